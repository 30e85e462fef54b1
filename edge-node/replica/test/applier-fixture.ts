// Test fixture for the replica's unit tests: a real RegionStore in a temp dir and the real
// AppRegistry over a fake runtime pool (records what it loads, with which secrets, and drops; each load
// can be made to take `loadDelayMs`), a
// fake control plane (artifacts by sha256, acks, deployment states, "down" and "corrupt" switches),
// and builders of the log entries of the app `shop` whose versions v1-v4 are small fake components.
import { rmSync } from "node:fs";
import { AppRegistry } from "../../apps.ts";
import { RegionStore } from "../../store/region-store.ts";
import { parseRoutePattern, type Route } from "../../../core/config/routes.ts";
import type { Manifest } from "../../../core/manifest.ts";
import { Applier } from "../applier.ts";
import { sha256Hex } from "../artifacts.ts";
import { CpError, type AckBody } from "../cp-client.ts";
import type { LogEntry } from "../entries.ts";
import { tempDir } from "../../../testkit/temp.ts";

const dirs: string[] = [];
export const code = (s: string) => new Uint8Array(Buffer.from(`component ${s}`));
const route = (p: string) => (parseRoutePattern(p) as { route: Route }).route;
export const manifest = (v: string, secrets: string[] = []): Manifest => ({
  manifestVersion: 1, name: "shop", kind: "js", sha256: sha256Hex(code(v)), size: code(v).byteLength, imports: [], exports: [],
  compatibilityDate: "2026-11-01", vars: { V: v }, secrets, kvNamespaces: [], queues: { producers: [], consumers: [] }, crons: [],
  limits: { cpuMs: 50, memoryMb: 128, subrequests: 50, wallMs: 30_000, maxRequestBodyMb: 100, maxResponseBodyMb: 100 },
  routes: [route("/*")], regions: null, builtWith: { outpost: "0", componentizeJs: null, jco: "0" },
} as unknown as Manifest);

export function setup(dir = tempDir("outpost-applier-"), opts: { aheadTtlMs?: number; loadDelayMs?: number } = {}) {
  dirs.push(dir);
  const store = new RegionStore(dir);
  const loads: string[] = [];
  const undeployed: string[] = [];
  /** The secrets each pool key was loaded with. */
  const secretsOf = new Map<string, Record<string, string>>();
  const pool = {
    async deploy(spec: { name: string; version: string; bytes: Uint8Array; secrets?: Record<string, string> }) {
      loads.push(`${spec.name}@${spec.version}:${Buffer.from(spec.bytes).toString()}`);
      if (opts.loadDelayMs) await new Promise((r) => setTimeout(r, opts.loadDelayMs));
      secretsOf.set(`${spec.name}@${spec.version}`, spec.secrets ?? {});
      return { key: `${spec.name}@${spec.version}`, loadMs: 1 };
    },
    undeploy(key: string) { undeployed.push(key); },
    setRoutes() { /* the threads' own listeners: not in these tests */ },
  };
  const registry = new AppRegistry(pool as never);
  const served = new Map(["v1", "v2", "v3", "v4"].map((v) => [sha256Hex(code(v)), code(v)]));
  const cp = {
    fetched: [] as string[],
    acks: [] as Array<{ deployId: string; ok: boolean; error?: string; phases?: AckBody["phases"] }>,
    /** deployId -> state answered by deploymentState (absent: null, unknown to the CP). */
    states: new Map<string, string>(),
    corrupt: false,
    down: false,
    async artifact(sha: string) {
      if (cp.down) throw new CpError("control plane unreachable", 0);
      cp.fetched.push(sha);
      const b = served.get(sha);
      if (!b) throw new CpError(`no artifact with sha256 ${sha}`, 404);
      return cp.corrupt ? new Uint8Array([...b, 0x42]) : b;
    },
    async ack(deployId: string, body: AckBody) { cp.acks.push({ deployId, ok: body.ok, error: body.error, phases: body.phases }); },
    async deploymentState(deployId: string) { return cp.states.get(deployId) ?? null; },
  };
  const lines: string[] = [];
  const applier = new Applier({ store, apps: registry, cp, region: "eu", say: (l) => lines.push(l), aheadTtlMs: opts.aheadTtlMs });
  return { dir, store, registry, cp, loads, undeployed, applier, lines, secretsOf };
}

export function removeFixtureDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Log entries of the app `shop`, numbered from 1 on each `reset()`. */
export function entries() {
  let seq = 0;
  const at = (e: object) => ({ seq: ++seq, ts: Date.now(), ...e }) as LogEntry;
  const m = (v: number, secrets: string[]) => manifest(`v${v}`, secrets);
  return {
    reset() { seq = 0; },
    at,
    version: (v: number, secrets: string[] = []) => at({ t: "version", app: "shop", version: v, sha256: m(v, secrets).sha256, size: 9, manifest: m(v, secrets) }),
    prepare: (v: number | number[], id: string, secrets: string[] = []) => {
      const vs = Array.isArray(v) ? v : [v];
      return at({ t: "prepare", app: "shop", deployId: id, versions: vs.map((n) => ({ version: n, sha256: m(n, secrets).sha256, percent: vs.length === 1 ? 100 : 50, manifest: m(n, secrets) })) });
    },
    activate: (id: string, versions: Array<[number, number]>) =>
      at({ t: "activate", app: "shop", deployId: id, versions: versions.map(([v, percent]) => ({ version: v, sha256: m(v, []).sha256, percent })) }),
    secret: (name: string, value?: string) => at(value === undefined ? { t: "secret.delete", app: "shop", name } : { t: "secret.put", app: "shop", name, value }),
  };
}
