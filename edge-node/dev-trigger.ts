// `/__outpost/scheduled?cron=<expr>[&app=<name>][&time=<ms>]`: runs an app's scheduled() handler
// now, for development (Workers' `wrangler dev --test-scheduled` `/__scheduled`). Open only on a
// node started for development (`outpost dev`, or `edge-node --dev-triggers`); elsewhere the path
// is routed like any other, so production never exposes it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LogSink } from "../core/logs/line.ts";
import type { AppRegistry } from "./apps.ts";
import { runEvent } from "./events-endpoint.ts";
import { refuse, sendJson } from "./json-response.ts";

export const DEV_SCHEDULED_PATH = "/__outpost/scheduled";

export async function serveDevScheduled(req: IncomingMessage, res: ServerResponse, opts: { registry: AppRegistry; region: string; log: LogSink }): Promise<void> {
  req.resume();
  const q = new URL(req.url ?? "/", "http://node").searchParams;
  const apps = opts.registry.list();
  const name = q.get("app") ?? (apps.length === 1 ? apps[0].name : null);
  if (!name) return refuse(res, 400, "bad_request", `this node serves ${apps.length} apps (${apps.map((a) => a.name).join(", ") || "none"}): name one with ?app=`);
  const deployment = opts.registry.get(name);
  if (!deployment) return refuse(res, 404, "no_app", `no app named ${name} is deployed on this node`);
  const cron = q.get("cron") ?? deployment.manifest.crons?.[0] ?? "* * * * *";
  const time = q.get("time");
  const scheduledTime = time === null ? Date.now() : Number(time);
  if (!Number.isFinite(scheduledTime)) return refuse(res, 400, "bad_request", `time must be milliseconds since the Unix epoch, got ${JSON.stringify(time)}`);
  const result = await runEvent(opts, name, { type: "scheduled", cron, scheduledTime });
  if (!result) return refuse(res, 404, "no_app", `no app named ${name} is deployed on this node`);
  sendJson(res, result.ok ? 200 : 500, { app: name, cron, scheduledTime, ...result });
}
