// The edge node's HTTP server: routes each request by host and path to an app and lets the
// runtime serve it; answers 404 when no route matches; `/_outpost/health` reports the node.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AppRegistry } from "./apps.ts";

export interface EdgeServerOptions {
  region: string;
  registry: AppRegistry;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function createEdgeServer(opts: EdgeServerOptions): Server {
  const { registry, region } = opts;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? "";
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/_outpost/health") {
      return json(res, 200, {
        ok: true, region,
        apps: registry.list().map((d) => ({ name: d.name, version: d.version, deployedAt: d.deployedAt, ...d.app.stats })),
      });
    }
    const name = registry.routes.match(host, path);
    const deployment = name ? registry.get(name) : undefined;
    if (!deployment) {
      req.resume();
      return json(res, 404, { error: "no route", message: `no app on this node has a route matching ${host}${path}`, region });
    }
    void deployment.app.serve(req, res, randomUUID());
  };
  const server = createServer({ keepAliveTimeout: 5_000, requestTimeout: 0 }, handler);
  return server;
}
