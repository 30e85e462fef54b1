// `GET /_outpost/logs?app=<name>` (region token): streams the app's log lines on this node as
// NDJSON while they happen, each tagged with the region, until the client goes away. The control
// plane merges these streams from every region for `outpost tail`.
import type { IncomingMessage, ServerResponse } from "node:http";
import { checkBearer } from "./bearer.ts";
import type { LogHub } from "./log-hub.ts";

function refuse(res: ServerResponse, status: number, error: string, message: string): void {
  const text = JSON.stringify({ error, message });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function serveLogs(req: IncomingMessage, res: ServerResponse, opts: { hub: LogHub; region: string; regionToken?: string }): void {
  req.resume();
  if (!opts.regionToken) return refuse(res, 403, "forbidden", "this node has no region token (--region-token or OUTPOST_REGION_TOKEN), so its logs endpoint is closed");
  const auth = checkBearer(req.headers.authorization, opts.regionToken);
  if (auth !== "ok") return refuse(res, 401, "unauthorized", auth === "missing" ? "send the region token as `Authorization: Bearer <token>`" : "the bearer token is not this region's token");
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
