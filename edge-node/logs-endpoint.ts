// `GET /_outpost/logs?app=<name>` (region token): streams the app's log lines on this node as
// NDJSON while they happen, each tagged with the region, until the client goes away. The control
// plane merges these streams from every region for `outpost tail`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { requireRegionToken } from "./bearer.ts";
import { refuse } from "./json-response.ts";
import type { LogHub } from "../core/logs/hub.ts";

export function serveLogs(req: IncomingMessage, res: ServerResponse, opts: { hub: LogHub; region: string; regionToken?: string }): void {
  req.resume();
  if (!requireRegionToken(req, res, opts.regionToken, "logs")) return;
  const app = new URL(req.url ?? "/", "http://node").searchParams.get("app");
  if (!app) return refuse(res, 400, "bad_request", "name the app: /_outpost/logs?app=<name>");
  res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
  res.flushHeaders();
  const unsubscribe = opts.hub.subscribe(app, (line) => {
    res.write(JSON.stringify({ region: opts.region, ...line }) + "\n");
  });
  // An idle stream still shows it is alive (and lets a dead peer be noticed).
  const keepAlive = setInterval(() => res.write("\n"), 15_000);
  const stop = () => { clearInterval(keepAlive); unsubscribe(); };
  res.on("close", stop); // (not req's "close": it fires as soon as the empty request body is read)
}
