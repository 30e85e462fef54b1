// A development session (`outpost dev`): a local control plane and one edge region ("dev"), both in
// this process, with their state under `.outpost/dev/` (KV, queues and secrets persist between
// sessions, as with `wrangler dev`). It builds the project and deploys it through the control plane
// like `outpost deploy` does, so KV, queues, crons and secrets behave as on the edge; on every source
// change it rebuilds and swaps the new version in while requests in flight finish on the old one. A
// failed rebuild keeps the last good version. `/__outpost/scheduled` runs scheduled() by hand.
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { mkdtempSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ControlPlaneClient } from "../client/api-client.ts";
import { startControlPlane } from "../../control-plane/server.ts";
import type { AppRegistry } from "../../edge-node/apps.ts";
import { startEdgeNode } from "../../edge-node/node.ts";
import type { DevFailure } from "../../edge-node/dev-error-page.ts";
import { BuildError, locationsIn } from "../../sdk/build/errors.ts";
import type { LogSink } from "../../core/logs/line.ts";
import { loadConfig, type AppConfig } from "../../sdk/config/index.ts";
import { buildApp, type BuildResult } from "../../sdk/build/index.ts";
import { devSecrets } from "./dev-vars.ts";
import { watchSources } from "./watch.ts";

export interface DevOptions {
  configPath: string;
  env?: string;
  port: number;
  host?: string;
  watch?: boolean;
  /** Runtime worker threads (default: one per core). */
  threads?: number;
  onLog: LogSink;
  /** Progress and status messages for the user. */
  say(message: string): void;
  onBuild?(result: BuildResult, ms: number): void;
}

export interface DevSession {
  url: string;
  /** The session's own control plane (KV, queues, crons, secrets). */
  controlPlaneUrl: string;
  server: Server;
  registry: AppRegistry;
  rebuild(): Promise<void>;
  close(): Promise<void>;
}

const token = () => randomBytes(24).toString("base64url");
/** How long after the app is live, with no save meanwhile, the builder is warmed. */
const WARM_AFTER_MS = 1500;

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`outpost dev: ${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startDev(opts: DevOptions): Promise<DevSession> {
  let config: AppConfig = await loadConfig(opts.configPath, { env: opts.env });
  const devDir = join(config.dir, ".outpost", "dev");
  // Fresh tokens per session: nothing outside this process talks to the dev control plane.
  const cp = await startControlPlane({
    dataDir: join(devDir, "control-plane"), port: 0, host: "127.0.0.1",
    env: { OUTPOST_ADMIN_TOKEN: token(), OUTPOST_REGION_TOKEN: token() },
    events: { print: (text) => opts.say(text) },
  });
  const host = opts.host ?? "127.0.0.1";
  const client = new ControlPlaneClient(cp.url, cp.adminToken);
  /** The last rebuild's error while it is not fixed (browsers get its page; see edge-node/dev-error-page.ts). */
  let failure: DevFailure | null = null;
  let lastSecrets: Record<string, string> | null = null;

  /** Builds the app, syncs its secrets and uploads it to the dev control plane (which keeps one version per distinct upload). */
  const prepare = async () => {
    const t = performance.now();
    config = await loadConfig(opts.configPath, { env: opts.env });
    const result = await buildApp(config, { onProgress: (step, ms) => { if (ms === undefined) opts.say(`  ${step}...`); } });
    const { secrets, missing } = devSecrets(config.dir, config.secrets);
    if (missing.length) opts.say(`warning: no value for secret(s) ${missing.join(", ")}; put them in .dev.vars`);
    const name = result.manifest.name;
    const stored = lastSecrets ?? Object.fromEntries((await client.secrets(name).catch(() => ({ secrets: [] }))).secrets.map((s) => [s.name, "\0unknown"]));
    let secretsChanged = false;
    for (const [k, v] of Object.entries(secrets)) if (stored[k] !== v) { await client.secretPut(name, k, v); secretsChanged = true; }
    for (const k of Object.keys(stored)) if (!(k in secrets)) { await client.secretDelete(name, k); secretsChanged = true; }
    lastSecrets = secrets;
    const upload = await client.uploadVersionIfNew(name, result.manifest, async () => result.component ?? readFile(result.wasmPath));
    return { t, result, name, upload, secretsChanged };
  };
  type Prepared = Awaited<ReturnType<typeof prepare>>;

  // Build before the region starts: the version it kept from the last session is restored (and served
  // at once) only when it is the one just built; otherwise the region answers 503 until the new one is live.
  let first: Prepared;
  try {
    first = await prepare();
  } catch (err) {
    await client.close();
    await cp.close();
    throw err;
  }
  const isCurrent = (d: { app: string; versions: { version: number }[] }) =>
    d.app !== first.name || (d.versions.length === 1 && d.versions[0].version === first.upload.version);
  let node;
  try {
    node = await startEdgeNode({
      region: "dev", host, port: opts.port, controlPlane: cp.url, regionToken: cp.regionToken,
      dataDir: join(devDir, "region"), cacheDir: join(config.dir, ".outpost", "cache"), threads: opts.threads,
      devTriggers: true, devFailure: () => failure, restore: isCurrent, onLog: opts.onLog, say: () => undefined,
    });
  } catch (err) {
    await client.close();
    await cp.close();
    throw err;
  }
  const { registry, replica } = node;

  /** Makes the prepared version the one the region serves, unless it already is. */
  const activate = async ({ t, result, name, upload, secretsChanged }: Prepared) => {
    const current = registry.active(name);
    if (!upload.created && !secretsChanged && current?.versions.length === 1 && current.versions[0].deployment.version.split("+")[0] === String(upload.version)) {
      opts.say(`${config.name} is unchanged (version ${upload.version})`);
      return;
    }
    const d = await client.deploy(name, [{ version: upload.version }], { wait: true });
    if (d.state !== "active") throw new Error(`version ${upload.version} did not go live: ${d.error ?? d.state}`);
    await until(`version ${upload.version} serving`, () => registry.active(name)?.id === d.deployId, 30_000);
    opts.onBuild?.(result, performance.now() - t);
    opts.say(`${config.name} version ${upload.version} is live (${Math.round(performance.now() - t)} ms${result.cached ? ", cached build" : ""})`);
  };
  const deploy = async () => activate(await prepare());

  try {
    await until("the dev region's sync with its control plane", () => replica!.status().connected, 30_000);
    await activate(first);
  } catch (err) {
    await node.close();
    await client.close();
    await cp.close();
    throw err;
  }
  // Once the session has been idle for WARM_AFTER_MS (the user reads the URL, opens the editor): one
  // throwaway build of the app itself into a temp cache (nothing it writes is used) loads and compiles
  // what a rebuild runs (esbuild's service, the instrumented engine, the engine functions this app's
  // initialisation calls), so that the first save builds about as fast as the later ones. A save before
  // then is built at once and warms it instead: the warm-up never competes with a rebuild for the CPU.
  let warming: Promise<void> | null = null;
  let warmTimer: NodeJS.Timeout | null = opts.watch === false ? null : setTimeout(() => {
    warmTimer = null;
    if (building) return;
    const dir = mkdtempSync(join(tmpdir(), "outpost-dev-warm-"));
    warming = buildApp(config, { cacheDir: join(dir, "cache"), outDir: join(dir, "dist") })
      .then(() => undefined, () => undefined)
      .finally(() => rm(dir, { recursive: true, force: true }));
  }, WARM_AFTER_MS);
  warmTimer?.unref();

  let building: Promise<void> | null = null;
  let again = false;
  const rebuild = async (): Promise<void> => {
    if (warmTimer) { clearTimeout(warmTimer); warmTimer = null; }
    if (building) { again = true; return building; }
    building = (async () => {
      do {
        again = false;
        try {
          await deploy();
          failure = null;
        } catch (err) {
          const message = (err as Error).message;
          failure = { message, locations: err instanceof BuildError ? err.locations : locationsIn(message), at: Date.now() };
          opts.say(`rebuild failed, still serving the last good version (browsers see the error page):\n${message}`);
        }
      } while (again);
    })().finally(() => { building = null; });
    return building;
  };
  const watched = { sourceDir: dirname(config.main), files: [config.file, join(config.dir, ".dev.vars")] };
  const watcher = opts.watch === false ? null : watchSources(watched, (file) => { opts.say(`changed: ${file}`); void rebuild(); });

  return {
    url: node.url,
    controlPlaneUrl: cp.url,
    server: node.server,
    registry,
    rebuild,
    async close() {
      watcher?.close();
      if (warmTimer) clearTimeout(warmTimer);
      await warming;
      await node.close();
      await client.close();
      await cp.close();
    },
  };
}
