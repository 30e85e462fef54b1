// A control plane in this process for tests (a free port, a temp data dir, the test tokens, 200 ms
// pings), and fake versions to upload (the control plane treats components as opaque bytes).
import { createHash } from "node:crypto";
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from "../control-plane/server.ts";
import { call, type CallResult } from "./http.ts";
import { tempDir } from "./temp.ts";
import { ADMIN, REGION } from "./tokens.ts";

export async function startCp(options: Partial<ControlPlaneOptions> = {}): Promise<ControlPlane & { dataDir: string }> {
  const dataDir = options.dataDir ?? tempDir("outpost-cp-");
  const cp = await startControlPlane({
    port: 0,
    env: { OUTPOST_ADMIN_TOKEN: ADMIN, OUTPOST_REGION_TOKEN: REGION },
    pingMs: 200,
    ...options,
    dataDir,
  });
  return { ...cp, dataDir };
}

/** A fake component and its manifest. */
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
