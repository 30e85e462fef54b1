// How each system serves a workload: what is built once (Outpost app, jco component, FetchEvent bundle,
// workerd config) and how it is started: a command line serving on a given port, or for Outpost's kv
// workload a control plane and a region (kv-outpost.ts). Builds are cached under the bench's apps dir, so
// a second run starts at once. A workload only Outpost can run is n/a for the peers.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChild } from "../lib/child.ts";
import { readBuilt } from "../../testkit/cluster.ts";
import { outpostBuild } from "../../testkit/cli.ts";
import { progress } from "../lib/progress.ts";
import type { PeerInstall } from "./install.ts";
import { startKvRegion } from "./kv-outpost.ts";
import { launch, type LaunchSpec, type Running } from "./launch.ts";
import { freePort } from "../../testkit/listen.ts";
import { fetchEventBundle } from "./fetch-event.ts";
import { REPO_DIR, type SystemId } from "./options.ts";
import type { RequestSpec, Workload } from "./workloads/index.ts";

export const SYSTEM_LABELS: Record<SystemId, string> = {
  outpost: "Outpost (edge-node, 2 threads)",
  workerd: "workerd",
  "edge-runtime": "edge-runtime (Vercel)",
  "jco-serve": "jco serve, instance per request",
  "node-http": "plain node:http",
};

/**
 * A system ready to serve a workload: `start` brings it up and resolves once it answered `probe` with a
 * 200 (launch.ts). Not ready: why; `na` when the workload does not apply to the system (not a failure).
 */
export type Preparation = { ok: true; start(probe: RequestSpec): Promise<Running> } | { ok: false; reason: string; na?: boolean };

const HERE = import.meta.dirname;
const EDGE_NODE = join(REPO_DIR, "edge-node", "main.js");
/** Matches the example app's config; every workerd feature the workloads use is older. */
const COMPATIBILITY_DATE = "2026-11-01";

function writeIfChanged(path: string, text: string): void {
  if (!existsSync(path) || readFileSync(path, "utf8") !== text) writeFileSync(path, text);
}

/** A system that is one process listening on a port it is given. */
const spawned = (spec: (port: number) => LaunchSpec): Preparation => ({
  ok: true,
  start: async (probe) => {
    const port = await freePort();
    return launch(spec(port), port, probe);
  },
});

/**
 * `outpost build` of the workload in a project of its own (Outpost's component cache makes a rebuild
 * fast), served by one edge node with the build on its command line; a workload with a KV binding by a
 * region following a control plane instead.
 */
async function prepareOutpost(w: Workload, appsDir: string): Promise<Preparation> {
  const project = join(appsDir, "outpost", w.id);
  const name = `peer-${w.id}`;
  mkdirSync(join(project, "src"), { recursive: true });
  writeIfChanged(join(project, "src", "index.js"), readFileSync(w.file!, "utf8"));
  const kv = w.kv ? `kv_namespaces = [{ binding = "${w.kv.binding}" }]\n` : "";
  writeIfChanged(join(project, "wrangler-like.toml"), `# Written by bench/peers/systems.ts: the ${w.id} workload as an Outpost app.\nname = "${name}"\nmain = "src/index.js"\ncompatibility_date = "${COMPATIBILITY_DATE}"\n${kv}`);
  const t0 = performance.now();
  const dist = join(project, "dist");
  await outpostBuild(project, dist);
  progress(`  outpost: built ${w.id} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (w.kv) {
    const app = readBuilt(dist, name);
    return { ok: true, start: (probe) => startKvRegion(app, w, probe) };
  }
  const cacheDir = join(project, "node-cache");
  return spawned((port) => ({ command: process.execPath, args: [EDGE_NODE, "--port", String(port), "--threads", "2", "--quiet", "--cache-dir", cacheDir, dist] }));
}

function workerdConfig(port: number): string {
  return `# Written by bench/peers/systems.ts: one worker, module syntax, reachable on 127.0.0.1:${port};
# its outgoing fetch may reach loopback and private addresses (the bench's upstream).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js") ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
}

function prepareWorkerd(w: Workload, appsDir: string, bin: string): Preparation {
  const dir = join(appsDir, "workerd", w.id);
  mkdirSync(dir, { recursive: true });
  writeIfChanged(join(dir, "worker.js"), readFileSync(w.file!, "utf8"));
  return spawned((port) => {
    writeFileSync(join(dir, "config.capnp"), workerdConfig(port));
    return { command: bin, args: ["serve", join(dir, "config.capnp")], cwd: dir };
  });
}

async function prepareEdgeRuntime(w: Workload, appsDir: string, pkgDir: string): Promise<Preparation> {
  const dir = join(appsDir, "edge-runtime");
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `${w.id}.js`);
  writeIfChanged(script, await fetchEventBundle(w.file!, "iife"));
  return spawned((port) => ({ command: process.execPath, args: [join(HERE, "edge-runtime-server.ts"), pkgDir, script, String(port)] }));
}

/** componentize-js of the FetchEvent bundle, cached by the bundle's hash (a build takes 5-30 s). */
async function prepareJcoServe(w: Workload, appsDir: string, cli: string): Promise<Preparation> {
  const dir = join(appsDir, "jco-serve");
  mkdirSync(dir, { recursive: true });
  const source = await fetchEventBundle(w.file!, "esm");
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 12);
  const wasm = join(dir, `${w.id}-${hash}.wasm`);
  if (!existsSync(wasm)) {
    const src = join(dir, `${w.id}-${hash}.js`);
    writeFileSync(src, source);
    progress(`  jco-serve: componentizing ${w.id} with componentize-js (once; 5-30 s)`);
    const r = await runChild<{ bytes: number; ms: number }>(join(HERE, "componentize-child.ts"), [src, `${wasm}.tmp`, join(dir, "wit")], { timeoutMs: 300_000 });
    writeFileSync(wasm, readFileSync(`${wasm}.tmp`));
    progress(`  jco-serve: ${w.id} component ${(r.bytes / 2 ** 20).toFixed(1)} MiB in ${(r.ms / 1000).toFixed(1)} s`);
  }
  // A fixed --jco-dir: killed with its process group, jco serve would leave a temp dir behind each time.
  const outDir = join(dir, `${w.id}-serve`);
  return spawned((port) => ({ command: process.execPath, args: [cli, "serve", wasm, "--port", String(port), "--host", "127.0.0.1", "--isolate-requests", "instance", "--jco-dir", outDir] }));
}

/** Builds what `system` needs to serve `w`. Peer problems come back as { ok: false }; Outpost's throw. */
export async function prepare(system: SystemId, w: Workload, peers: PeerInstall, appsDir: string): Promise<Preparation> {
  if (!w.file) return { ok: false, reason: w.na ?? "not runnable" };
  if (w.outpostOnly && system !== "outpost") return { ok: false, reason: w.outpostOnly, na: true };
  switch (system) {
    case "outpost":
      return prepareOutpost(w, appsDir);
    case "node-http":
      return spawned((port) => ({ command: process.execPath, args: [join(HERE, "node-server.ts"), w.file!, String(port)] }));
    case "workerd":
      return peers.workerd ? prepareWorkerd(w, appsDir, peers.workerd.bin) : { ok: false, reason: `not installed: ${peers.problems.workerd}` };
    case "edge-runtime":
      return peers.edgeRuntime ? prepareEdgeRuntime(w, appsDir, peers.edgeRuntime.dir) : { ok: false, reason: `not installed: ${peers.problems["edge-runtime"]}` };
    case "jco-serve":
      if (!peers.jco) return { ok: false, reason: peers.problems.jco ?? "jco missing" };
      try {
        return await prepareJcoServe(w, appsDir, peers.jco.cli);
      } catch (err) {
        return { ok: false, reason: `componentize-js failed: ${(err as Error).message.slice(0, 300)}` };
      }
  }
}
