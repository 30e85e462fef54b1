// `/__outpost/scheduled?cron=<expr>[&app=<name>][&time=<ms>]`: runs an app's scheduled() handler
// now, for development (Workers' `wrangler dev --test-scheduled` `/__scheduled`). Open only on a
// node started for development (`outpost dev`, or `edge-node --dev-triggers`); elsewhere the path
// is routed like any other, so production never exposes it.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LogSink } from "../runtime/logs.ts";
import type { AppRegistry } from "./apps.ts";
import { runEvent } from "./events-endpoint.ts";

export const DEV_SCHEDULED_PATH = "/__outpost/scheduled";

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function serveDevScheduled(req: IncomingMessage, res: ServerResponse, opts: { registry: AppRegistry; region: string; log: LogSink }): Promise<void> {
  req.resume();
  const q = new URL(req.url ?? "/", "http://node").searchParams;
  const apps = opts.registry.list();
  const name = q.get("app") ?? (apps.length === 1 ? apps[0].name : null);
  if (!name) return json(res, 400, { error: "bad_request", message: `this node serves ${apps.length} apps (${apps.map((a) => a.name).join(", ") || "none"}): name one with ?app=` });
  const deployment = opts.registry.get(name);
  if (!deployment) return json(res, 404, { error: "no_app", message: `no app named ${name} is deployed on this node` });
  const cron = q.get("cron") ?? deployment.manifest.crons?.[0] ?? "* * * * *";
  const time = q.get("time");
  const scheduledTime = time === null ? Date.now() : Number(time);
  if (!Number.isFinite(scheduledTime)) return json(res, 400, { error: "bad_request", message: `time must be milliseconds since the Unix epoch, got ${JSON.stringify(time)}` });
  const result = await runEvent(opts, name, { type: "scheduled", cron, scheduledTime });
  if (!result) return json(res, 404, { error: "no_app", message: `no app named ${name} is deployed on this node` });
  json(res, result.ok ? 200 : 500, { app: name, cron, scheduledTime, ...result });
}
