// The control plane's HTTP API: every route (spec/replication.md, spec/events.md) on one itty-router,
// errors as JSON `{error, message}`, unknown endpoints 404. Returns a fetch-style handler.
import { Router } from "itty-router";
import { errorResponse, json, toErrorResponse } from "../http/errors.ts";
import { appRoutes } from "./apps.ts";
import type { ApiContext } from "./context.ts";
import { cronRoutes } from "./crons.ts";
import { deploymentRoutes } from "./deployments.ts";
import { kvRoutes } from "./kv.ts";
import { logStreamRoutes } from "./log-stream.ts";
import { logsFanInRoutes } from "./logs-fanin.ts";
import { queueRoutes } from "./queues.ts";
import { regionRoutes } from "./regions.ts";
import { secretRoutes } from "./secrets.ts";
import { versionRoutes } from "./versions.ts";

export function createApi(ctx: ApiContext): (request: Request) => Promise<Response> {
  const router = Router({ catch: (e: unknown) => toErrorResponse(e) });
  // Liveness only (no state, no token): lets a supervisor wait for the port.
  router.get("/healthz", () => json({ ok: true }));
  appRoutes(router, ctx);
  versionRoutes(router, ctx);
  deploymentRoutes(router, ctx);
  kvRoutes(router, ctx);
  regionRoutes(router, ctx);
  secretRoutes(router, ctx);
  logStreamRoutes(router, ctx);
  queueRoutes(router, ctx);
  cronRoutes(router, ctx);
  logsFanInRoutes(router, ctx);
  router.all("*", (request: Request) => errorResponse(404, "not_found", `no endpoint ${request.method} ${new URL(request.url).pathname}`));
  return async (request) => ((await router.fetch(request)) as Response | undefined) ?? errorResponse(404, "not_found", "no such endpoint");
}
