// The local cloud `outpost up` runs: one control plane and three edge regions, each its own process on
// 127.0.0.1 with its data under the project's .outpost/ (reused on the next start: they restore their
// state) and its output in .outpost/logs/<name>.log; stopped regions first, then the control plane.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { UpState } from "../cloud/up-state.ts";
import { Child } from "./child.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const CONTROL_PLANE_MAIN = join(ROOT, "control-plane", "main.js");
const EDGE_NODE_MAIN = join(ROOT, "edge-node", "main.js");

export const REGION_NAMES = ["us-east", "eu-west", "ap-south"];
/** Offsets from --port-base: the control plane on the base, the regions on base+7, +8, +9 (8780, 8787-8789). */
export const REGION_PORT_OFFSET = 7;

export interface ClusterOptions {
  projectDir: string;
  outpostDir: string;
  portBase: number;
  host: string;
  /** Runtime worker threads per region. */
  threads: number;
  onError(name: string, line: string): void;
  onUnexpectedExit(name: string, how: string): void;
}

export interface RegionInfo { name: string; url: string; pid: number }

/** A token from the environment (as the control plane reads it) or from the file it wrote. */
function tokenOf(envVar: string, path: string): string {
  const fromEnv = process.env[envVar]?.trim();
  if (fromEnv) return fromEnv;
  try {
    const t = readFileSync(path, "utf8").trim();
    if (t) return t;
  } catch {
    // fall through
  }
  throw new Error(`the control plane started but its token file ${path} is missing or empty and ${envVar} is not set; set ${envVar} to the token it uses`);
}

export class LocalCluster {
  readonly opts: ClusterOptions;
  controlPlane: Child | null = null;
  controlPlaneUrl = "";
  regions: { child: Child; name: string; url: string }[] = [];
  readonly startedAt = new Date().toISOString();

  constructor(opts: ClusterOptions) {
    this.opts = opts;
  }

  get cpDataDir(): string {
    return join(this.opts.outpostDir, "control-plane");
  }

  ports(): { name: string; port: number }[] {
    const b = this.opts.portBase;
    return [{ name: "control plane", port: b }, ...REGION_NAMES.map((name, i) => ({ name: `region ${name}`, port: b + REGION_PORT_OFFSET + i }))];
  }

  #child(name: string, argv: string[], env: NodeJS.ProcessEnv = {}): Child {
    return new Child({
      name, argv, cwd: this.opts.projectDir,
      env: { ...process.env, FORCE_COLOR: "0", ...env },
      logPath: join(this.opts.outpostDir, "logs", `${name}.log`),
      onError: this.opts.onError,
      onUnexpectedExit: this.opts.onUnexpectedExit,
    });
  }

  /** Starts the control plane and waits for its `ready` line; answers its URL and tokens. */
  async startControlPlane(): Promise<{ url: string; adminToken: string; regionToken: string }> {
    const cp = (this.controlPlane = this.#child("control-plane", [CONTROL_PLANE_MAIN, "--port", String(this.opts.portBase), "--host", this.opts.host, "--data", this.cpDataDir]));
    const m = await cp.waitFor(/^ready (http:\/\/\S+)/, 60_000, "ready");
    this.controlPlaneUrl = m[1];
    return {
      url: m[1],
      adminToken: tokenOf("OUTPOST_ADMIN_TOKEN", join(this.cpDataDir, "admin-token")),
      regionToken: tokenOf("OUTPOST_REGION_TOKEN", join(this.cpDataDir, "region-token")),
    };
  }

  /** Starts the regions together; resolves as each prints `ready` (through `onReady`) and follows the log. */
  async startRegions(regionToken: string, onReady: (r: RegionInfo, ms: number) => void): Promise<RegionInfo[]> {
    const t0 = performance.now();
    const started = REGION_NAMES.map((name, i) => {
      const argv = [
        EDGE_NODE_MAIN, "--port", String(this.opts.portBase + REGION_PORT_OFFSET + i), "--host", this.opts.host,
        "--name", name, "--control-plane", this.controlPlaneUrl, "--threads", String(this.opts.threads),
        "--data", join(this.opts.outpostDir, "regions", name), "--cache-dir", join(this.opts.outpostDir, "cache"),
      ];
      const child = this.#child(name, argv, { OUTPOST_REGION_TOKEN: regionToken });
      this.regions.push({ child, name, url: "" });
      return child;
    });
    return Promise.all(started.map(async (child, i) => {
      const url = (await child.waitFor(/^ready (http:\/\/\S+)/, 120_000, "ready"))[1];
      this.regions[i].url = url;
      await child.waitFor(/sync: following the control plane's log/, 30_000, "following the control plane's log");
      const info = { name: child.name, url, pid: child.pid };
      onReady(info, performance.now() - t0);
      return info;
    }));
  }

  /** What .outpost/up.json records. */
  state(): UpState {
    const children = [this.controlPlane, ...this.regions.map((r) => r.child)].filter((c): c is Child => c !== null);
    return {
      pid: process.pid,
      startedAt: this.startedAt,
      controlPlane: this.controlPlaneUrl || `http://${this.opts.host}:${this.opts.portBase}`,
      regions: this.regions.map((r) => ({ name: r.name, url: r.url })),
      children: children.map((c) => ({ name: c.name, pid: c.pid })),
    };
  }

  /** Regions first (so they do not report the control plane gone), then the control plane. */
  async stop(onStopped?: (name: string, how: string) => void): Promise<void> {
    await Promise.all(this.regions.map(async (r) => onStopped?.(r.name, await r.child.stop())));
    if (this.controlPlane) onStopped?.("control-plane", await this.controlPlane.stop());
  }

  killNow(): void {
    for (const r of this.regions) r.child.killNow();
    this.controlPlane?.killNow();
  }
}
