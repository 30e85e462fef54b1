// Test helper: one control plane and N edge regions as separate real processes on 127.0.0.1, each
// with its own LMDB data dir (a region also its own transpile cache, like a separate machine) under
// one temp dir; any of them can be killed (SIGKILL) or stopped (SIGTERM) and started again on the
// same data and port. Tokens are the test ADMIN and REGION (tokens.ts), so `call` (http.ts) talks to
// it with the admin token.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { buildFixture } from "./apps.ts";
import { outpostBuild } from "./cli.ts";
import { call, get } from "./http.ts";
import { ROOT } from "./paths.ts";
import { startControlPlaneProcess, startNode, type Running } from "./process.ts";
import { removeDir, tempDir } from "./temp.ts";
import { ADMIN, REGION } from "./tokens.ts";
import { eventually } from "./wait.ts";

const env = { OUTPOST_ADMIN_TOKEN: ADMIN, OUTPOST_REGION_TOKEN: REGION };
const portOf = (url: string) => Number(new URL(url).port);

export interface ClusterOptions {
  /** Region names, started in parallel (default eu, us, ap). */
  regions?: string[];
  /** Extra edge-node arguments (e.g. `--quiet`). */
  nodeArgs?: string[];
  /** Prefix of the temp dir. */
  prefix?: string;
}

export class Cluster {
  readonly dir: string;
  readonly names: string[];
  #nodeArgs: string[];
  cp!: Running;
  regions: Record<string, Running> = {};

  constructor(opts: ClusterOptions = {}) {
    this.dir = tempDir(opts.prefix ?? "outpost-regions-");
    this.names = opts.regions ?? ["eu", "us", "ap"];
    this.#nodeArgs = opts.nodeArgs ?? [];
  }

  get cpData(): string { return join(this.dir, "cp"); }

  /** Starts the control plane, then every region, and waits until each follows the log. */
  async start(): Promise<this> {
    await this.startCp();
    await Promise.all(this.names.map((n) => this.startRegion(n)));
    return this;
  }

  /** Starts the control plane on its data dir; on a restart, on the port it had. */
  async startCp(): Promise<Running> {
    const port = this.cp ? portOf(this.cp.url) : 0;
    this.cp = await startControlPlaneProcess(["--port", String(port), "--data", this.cpData], { cwd: ROOT, env });
    return this.cp;
  }

  /** Starts (or restarts, same data and port) a region; resolves once it follows the control plane's log. */
  async startRegion(name: string): Promise<Running> {
    const old = this.regions[name];
    const args = ["--port", String(old ? portOf(old.url) : 0), "--threads", "1", "--name", name, "--control-plane", this.cp.url,
      "--data", join(this.dir, name), "--cache-dir", join(this.dir, `${name}-cache`), ...this.#nodeArgs];
    const node = await startNode(args, { cwd: ROOT, env, urlPattern: /ready (http:\/\/127\.0\.0\.1:\d+)/ });
    this.regions[name] = node;
    await node.waitFor(/sync: following the control plane's log/);
    return node;
  }

  get nodes(): Running[] { return this.names.map((n) => this.regions[n]); }

  /** SIGKILL: no chance to close anything (a crash). Resolves once the process is gone. */
  static kill(r: Running): Promise<void> {
    if (r.proc.exitCode !== null || r.proc.signalCode !== null) return Promise.resolve();
    const gone = new Promise<void>((resolve) => r.proc.once("exit", () => resolve()));
    r.proc.kill("SIGKILL");
    return gone;
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.regions).map((n) => n.stop()));
    await this.cp?.stop();
    removeDir(this.dir);
  }
}

export interface BuiltApp { name: string; manifest: Record<string, unknown>; component: Buffer }

/**
 * `outpost build` of a fixture under edge-node/test/fixtures (its manifest and component bytes), or,
 * given `projectDir`, of the project there whose app is named `fixture` (e.g. an example).
 */
export async function buildApp(fixture: string, outDir: string, projectDir?: string): Promise<BuiltApp> {
  await (projectDir ? outpostBuild(projectDir, outDir) : buildFixture(fixture, outDir));
  return readBuilt(outDir, fixture);
}

/** What a build of app `name` wrote to `outDir`: its manifest and component bytes. */
export function readBuilt(outDir: string, name: string): BuiltApp {
  const manifest = JSON.parse(readFileSync(join(outDir, `${name}.manifest.json`), "utf8")) as Record<string, unknown>;
  return { name, manifest, component: readFileSync(join(outDir, `${name}.wasm`)) };
}

/** Uploads the app with `vars` as its manifest's vars (a new version, same component); resolves its number. */
export function upload(cpUrl: string, app: BuiltApp, vars: Record<string, string>): Promise<number> {
  return uploadManifest(cpUrl, app, { vars });
}

/** Uploads the app's component with `changes` applied to its manifest; resolves the new version's number. */
export async function uploadManifest(cpUrl: string, app: BuiltApp, changes: Record<string, unknown> = {}): Promise<number> {
  const res = await call(cpUrl, "POST", `/v1/apps/${app.name}/versions`, { msgpack: { manifest: { ...app.manifest, ...changes }, component: app.component } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`upload answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.version as number;
}

/**
 * Deploys `version` of `app` to all traffic and resolves the deployment the control plane answers. With
 * `wait` (default) it must be active everywhere (200, state active); without, accepted (200 or 202).
 */
export async function deployVersion(cpUrl: string, app: string, version: number, wait = true): Promise<any> {
  const res = await call(cpUrl, "POST", `/v1/apps/${app}/deployments`, { json: { versions: [{ version }], wait } });
  const ok = wait ? res.status === 200 && res.body.state === "active" : res.status === 200 || res.status === 202;
  if (!ok) throw new Error(`deploying ${app} v${version} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Uploads the app as built (its own vars), deploys it and resolves once every region of `cluster` serves it. */
export async function deployBuilt(cluster: Cluster, app: BuiltApp): Promise<number> {
  const version = await upload(cluster.cp.url, app, (app.manifest.vars ?? {}) as Record<string, string>);
  const { deployId } = await deployVersion(cluster.cp.url, app.name, version);
  await Promise.all(cluster.nodes.map((n) => eventually(`${n.url} serves ${app.name} deploy ${deployId}`, async () =>
    (await get(`${n.url}/_outpost/health`)).body?.apps?.some((a: { name: string; deployId?: number }) => a.name === app.name && a.deployId === deployId), 30_000)));
  return version;
}

/** The RELEASE var of the kv-app version a region serves (`/kv/release`), or null when it serves none. */
export async function release(node: Running): Promise<string | null> {
  const r = await get(`${node.url}/kv/release`);
  return r.status === 200 ? (r.body.release as string) : null;
}

/** Polls a region's `/kv/release` back to back and records every answer (a release, or "404"), through its restarts. */
export function watchReleases(url: () => string) {
  const seen: string[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await request(`${url()}/kv/release`, { headersTimeout: 2_000, bodyTimeout: 2_000 });
        const text = await res.body.text();
        seen.push(res.statusCode === 200 ? (JSON.parse(text).release as string) : String(res.statusCode));
      } catch { /* down: connection refused or reset */ }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return { seen, stop: async () => { stopped = true; await loop; return seen; } };
}
