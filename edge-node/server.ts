// The edge node's HTTP server on the main thread: routes each request by host and path to an app, picks
// the version of the app's active set that serves it, and lets the runtime pool serve it (the runtime
// threads' own listeners serve most app traffic themselves and hand the rest here: node.ts); answers 404 when no
// route matches, 503 with Retry-After while the node is still starting (so never a 404 for a route on
// its way); `/_outpost/health` reports the node (`starting`: why, or null), `/_outpost/metrics` its per-app metrics in
// Prometheus text format, `/_outpost/logs?app=` streams an app's log lines and `/_outpost/events`
// runs a cron firing or queue batch the control plane assigns (both need the region token);
// `/__outpost/scheduled` triggers scheduled() on a development node only, which also shows browsers the
// error page of a failed rebuild (dev-error-page.ts) while other clients get the last good version.
import { sendDevErrorPage, type DevFailure } from "./dev-error-page.ts";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { LogSink } from "../core/logs/line.ts";
import type { AppRegistry } from "./apps.ts";
import { DEV_SCHEDULED_PATH, serveDevScheduled } from "./dev-trigger.ts";
import { serveEvents } from "./events-endpoint.ts";
import type { LogHub } from "../core/logs/hub.ts";
import { serveLogs } from "./logs-endpoint.ts";
import { NodeMetrics } from "./metrics.ts";
import { syncPoolMetrics } from "./pool-metrics.ts";
import { sendJson } from "./json-response.ts";

export interface EdgeServerOptions {
  region: string;
  registry: AppRegistry;
  metrics?: NodeMetrics;
  /** Live log lines for `/_outpost/logs`. */
  logs?: LogHub;
  /** The region token that `/_outpost/logs` requires. */
  regionToken?: string;
  /** Where event runs are logged (the node's log sink; default: the hub, if any). */
  log?: LogSink;
  /** Opens `/__outpost/scheduled` (development nodes only). */
  devTriggers?: boolean;
  /**
   * Why the node is still starting (no app live yet, the replica catching up), or null once it is not:
   * a request no route matches meanwhile gets 503 with Retry-After, never a 404 for a route on its way.
   */
  starting?(): string | null;
  /** A development node's failed rebuild, shown to browsers (GET with Accept: text/html) instead of the app until fixed. */
  devFailure?(): DevFailure | null;
  /** Extra fields for `/_outpost/health` (e.g. the replica's sync state). */
  status?(): Record<string, unknown>;
}

/** The node's request handler (node.ts serves it on the main thread's servers). */
export function createEdgeHandler(opts: EdgeServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { registry, region } = opts;
  const metrics = opts.metrics ?? new NodeMetrics({ region });
  const log: LogSink = opts.log ?? ((line) => opts.logs?.publish(line));
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? "";
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/_outpost/health") {
      const stats = await registry.pool.stats();
      return sendJson(res, 200, {
        ok: true, region, starting: opts.starting?.() ?? null, restarts: stats.restarts,
        threads: stats.threads.map((t) => ({ index: t.index, rss: t.rss, inflight: t.inflight })),
        apps: registry.list().map((d) => {
          const set = registry.active(d.name);
          return {
            name: d.name, version: d.version, deployedAt: d.deployedAt, loadMs: Math.round(d.loadMs),
            ...(set && (set.id !== null || set.versions.length > 1) ? { deployId: set.id, versions: set.versions.map((v) => ({ version: v.deployment.version, percent: v.percent })) } : {}),
          };
        }),
        ...opts.status?.(),
      });
    }
    if (path === "/_outpost/metrics") {
      await syncPoolMetrics(registry, metrics);
      const text = metrics.text();
      res.writeHead(200, { "content-type": metrics.contentType, "content-length": Buffer.byteLength(text) });
      return res.end(text);
    }
    if (path === "/_outpost/logs" && opts.logs) return serveLogs(req, res, { hub: opts.logs, region, regionToken: opts.regionToken });
    if (path === "/_outpost/events") return serveEvents(req, res, { registry, region, regionToken: opts.regionToken, log });
    if (path === DEV_SCHEDULED_PATH && opts.devTriggers) return serveDevScheduled(req, res, { registry, region, log });
    const failure = opts.devFailure?.();
    if (failure && (req.method === "GET" || req.method === "HEAD") && String(req.headers.accept ?? "").includes("text/html")) {
      req.resume();
      return sendDevErrorPage(res, failure);
    }
    const name = registry.routes.match(host, path);
    const deployment = name ? registry.pick(name) : undefined;
    if (!deployment) {
      req.resume();
      const starting = opts.starting?.() ?? null;
      if (starting !== null) {
        res.setHeader("retry-after", "1");
        return sendJson(res, 503, { error: "starting", message: `this node is starting (${starting}): retry in a moment`, region });
      }
      return sendJson(res, 404, { error: "no route", message: `no app on this node has a route matching ${host}${path}`, region });
    }
    const started = performance.now();
    deployment.inflight++;
    try {
      const info = await registry.pool.serve(deployment.key, req, res, randomUUID());
      metrics.request(deployment.name, info.status, (performance.now() - started) / 1000);
      if (info.coldStartMs !== undefined) metrics.coldStart(deployment.name, info.coldStartMs / 1000);
      if (info.limit) metrics.limitKill(deployment.name, info.limit);
    } finally {
      deployment.inflight--;
    }
  };
  return (req, res) => void handler(req, res);
}
