// `GET /v1/apps/:app/crons?limit=` (admin or the app's deploy token): the app's crons, when each fires
// next, and its last firings with the region that ran it and the outcome (spec/events.md).
import type { IRequest } from "itty-router";
import { requireApp } from "../auth.ts";
import { json } from "../http/errors.ts";
import type { FiringRecord } from "../events/types.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { appName, existingApp, limitQuery } from "./params.ts";

function firingView(f: FiringRecord) {
  return {
    scheduledTime: f.scheduledTime, firedAt: f.firedAt, state: f.state, ok: f.state === "ok",
    ...(f.region ? { region: f.region } : {}), ...(f.ms !== undefined ? { ms: f.ms } : {}),
    ...(f.error ? { error: f.error } : {}), ...(f.skipped ? { skipped: f.skipped } : {}),
  };
}

export function cronRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.get("/v1/apps/:app/crons", (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "reading an app's crons");
    existingApp(ctx, app);
    const firings = ctx.events.firings.forApp(app, limitQuery(request));
    const scheduled = ctx.events.crons.schedule(app);
    // Crons that fired but are no longer scheduled (a later version dropped them) still show their history.
    const names = [...new Set([...scheduled.map((s) => s.cron), ...firings.map((f) => f.cron)])];
    const crons = names.map((cron) => ({
      cron,
      scheduled: scheduled.some((s) => s.cron === cron),
      nextRun: scheduled.find((s) => s.cron === cron)?.nextRun ?? null,
      firings: firings.filter((f) => f.cron === cron).map(firingView),
    }));
    return json({ app, crons });
  });
}
