// A development session (`outpost dev`): builds the project, serves it on a single-region edge
// node on 127.0.0.1, and on every source change rebuilds and swaps the new version in while
// requests in flight finish on the old one. A failed rebuild keeps the last good version.
import type { Server } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { loadConfig, type AppConfig } from "../config/index.ts";
import { buildApp, type BuildResult } from "../build/index.ts";
import { AppRegistry } from "../../edge-node/apps.ts";
import { RuntimePool } from "../../runtime/pool/pool.ts";
import { createEdgeServer } from "../../edge-node/server.ts";
import type { LogSink } from "../../runtime/logs.ts";
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
  server: Server;
  registry: AppRegistry;
  rebuild(): Promise<void>;
  close(): Promise<void>;
}

export async function startDev(opts: DevOptions): Promise<DevSession> {
  let config: AppConfig = await loadConfig(opts.configPath, { env: opts.env });
  const pool = new RuntimePool({ cacheDir: join(config.dir, ".outpost", "cache"), onLog: opts.onLog, threads: opts.threads });
  await pool.start();
  const registry = new AppRegistry(pool);

  let lastSecrets: Record<string, string> = {};
  const deploy = async () => {
    const t = performance.now();
    config = await loadConfig(opts.configPath, { env: opts.env });
    const result = await buildApp(config, { onProgress: (step, ms) => { if (ms === undefined) opts.say(`  ${step}...`); } });
    const { secrets, missing } = devSecrets(config.dir, config.secrets);
    if (missing.length) opts.say(`warning: no value for secret(s) ${missing.join(", ")}; put them in .dev.vars`);
    const current = registry.get(result.manifest.name);
    if (current && current.manifest.sha256 === result.manifest.sha256 && JSON.stringify(current.manifest) === JSON.stringify(result.manifest) && JSON.stringify(secrets) === JSON.stringify(lastSecrets)) {
      opts.say(`${config.name} is unchanged (version ${current.version})`);
      return;
    }
    lastSecrets = secrets;
    const d = await registry.deploy(await readFile(result.wasmPath), result.manifest, secrets);
    opts.onBuild?.(result, performance.now() - t);
    opts.say(`${config.name} version ${d.version} is live (${Math.round(performance.now() - t)} ms${result.cached ? ", cached build" : ""})`);
  };

  await deploy();
  // A development node: `/__outpost/scheduled?cron=` runs scheduled() by hand.
  const server = createEdgeServer({ region: "dev", registry, log: opts.onLog, devTriggers: true });
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;

  let building: Promise<void> | null = null;
  let again = false;
  const rebuild = async (): Promise<void> => {
    if (building) { again = true; return building; }
    building = (async () => {
      do {
        again = false;
        try { await deploy(); } catch (err) { opts.say(`rebuild failed, still serving the last good version:\n${(err as Error).message}`); }
      } while (again);
    })().finally(() => { building = null; });
    return building;
  };
  const watched = { sourceDir: dirname(config.main), files: [config.file, join(config.dir, ".dev.vars")] };
  const watcher = opts.watch === false ? null : watchSources(watched, (file) => { opts.say(`changed: ${file}`); void rebuild(); });

  return {
    url: `http://${host}:${port}`,
    server,
    registry,
    rebuild,
    async close() {
      watcher?.close();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await closed;
      await pool.close();
    },
  };
}
