// Test helpers: a control plane on a free port with a temp data dir, and a small HTTP client (undici)
// that sends JSON or msgpack with a bearer token and decodes the answer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { request } from "undici";
import { pack, unpack } from "msgpackr";
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from "../server.ts";

export const ADMIN = "test-admin-token";
export const REGION = "test-region-token";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "outpost-cp-"));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startCp(options: Partial<ControlPlaneOptions> = {}): Promise<ControlPlane & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDir();
  const cp = await startControlPlane({
    port: 0,
    env: { OUTPOST_ADMIN_TOKEN: ADMIN, OUTPOST_REGION_TOKEN: REGION },
    pingMs: 200,
    ...options,
    dataDir,
  });
  return { ...cp, dataDir };
}

export interface CallOptions {
  token?: string | null;
  json?: unknown;
  msgpack?: unknown;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  bytes: Buffer;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.authorization = `Bearer ${options.token ?? ADMIN}`;
  let body: Uint8Array | string | undefined = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  } else if (options.msgpack !== undefined) {
    headers["content-type"] = "application/x-msgpack";
    body = pack(options.msgpack);
  }
  const res = await request(base + path, { method: method as "GET", headers, body });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const type = String(res.headers["content-type"] ?? "");
  let parsed: unknown = bytes;
  if (type.includes("json")) parsed = JSON.parse(bytes.toString("utf8"));
  else if (type.includes("msgpack")) parsed = unpack(bytes);
  return { status: res.statusCode, headers: res.headers, body: parsed, bytes };
}

/** A fake component and its manifest (the CP treats components as opaque bytes). */
export function fakeVersion(app: string, text: string, extra: Record<string, unknown> = {}) {
  const component = Buffer.from(`\0asm component ${app} ${text}`);
  const sha256 = createHash("sha256").update(component).digest("hex");
  const manifest = { manifestVersion: 1, name: app, kind: "js", sha256, size: component.length, routes: [], kvNamespaces: [], ...extra };
  return { component, manifest, sha256 };
}

export async function upload(base: string, app: string, text: string, extra: Record<string, unknown> = {}, token?: string): Promise<CallResult> {
  const { component, manifest } = fakeVersion(app, text, extra);
  return call(base, "POST", `/v1/apps/${app}/versions`, { token, msgpack: { manifest, component } });
}

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes. */
export async function until<T>(fn: () => T | Promise<T>, timeoutMs: number = 5000, what: string = "condition"): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
