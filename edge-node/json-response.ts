// The edge node's own JSON answers (health, refusals of its `/_outpost/*` endpoints, the dev trigger):
// one body with its length, and the `{error, message}` shape every refusal uses.
import type { ServerResponse } from "node:http";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function refuse(res: ServerResponse, status: number, error: string, message: string): void {
  sendJson(res, status, { error, message });
}
