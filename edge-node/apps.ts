// The apps deployed on this node: for each, the active version (loaded and warmed on the runtime
// pool) and its routes. A new version is loaded and warmed before it replaces the old one, so no
// request waits for a compile; requests already running finish on the version they started on,
// then the old version is dropped from the pool's threads.
import type { Manifest } from "../sdk/build/index.ts";
import type { AppLimits } from "../runtime/app.ts";
import type { RuntimePool } from "../runtime/pool/pool.ts";
import { RouteTable } from "./route-table.ts";

export interface Deployment {
  name: string;
  version: string;
  /** The pool's key for this version: `${name}@${version}`. */
  key: string;
  manifest: Manifest;
  deployedAt: number;
  loadMs: number;
  inflight: number;
}

const MB = 1024 * 1024;

/** The runtime limits of a manifest's `[limits]`. */
export function runtimeLimits(limits: Manifest["limits"]): Partial<AppLimits> {
  return {
    cpuMs: limits.cpuMs,
    memoryMb: limits.memoryMb,
    subrequests: limits.subrequests,
    wallMs: limits.wallMs,
    maxRequestBodyBytes: limits.maxRequestBodyMb * MB,
    maxResponseBodyBytes: limits.maxResponseBodyMb * MB,
  };
}

export class AppRegistry {
  readonly routes = new RouteTable();
  readonly pool: RuntimePool;
  #apps = new Map<string, Deployment>();

  constructor(pool: RuntimePool) { this.pool = pool; }

  get(name: string): Deployment | undefined { return this.#apps.get(name); }
  list(): Deployment[] { return [...this.#apps.values()]; }

  /** Loads, warms and activates `bytes` as the app `manifest.name`. */
  async deploy(bytes: Uint8Array, manifest: Manifest, secrets: Record<string, string> = {}): Promise<Deployment> {
    const version = manifest.sha256.slice(0, 12);
    const loaded = await this.pool.deploy({
      name: manifest.name,
      version,
      bytes,
      vars: manifest.vars,
      secrets,
      kvNamespaces: manifest.kvNamespaces,
      queues: manifest.queues.producers,
      limits: runtimeLimits(manifest.limits),
    });
    const deployment: Deployment = { name: manifest.name, version, key: loaded.key, manifest, deployedAt: Date.now(), loadMs: loaded.loadMs, inflight: 0 };
    const previous = this.#apps.get(manifest.name);
    this.#apps.set(manifest.name, deployment);
    this.routes.set(manifest.name, manifest.routes);
    if (previous && previous.key !== deployment.key) this.#retire(previous);
    return deployment;
  }

  /** Drops a replaced version once its requests on this node have finished. */
  #retire(d: Deployment): void {
    const check = () => (d.inflight > 0 ? setTimeout(check, 50) : this.pool.undeploy(d.key));
    check();
  }

  async remove(name: string): Promise<void> {
    const d = this.#apps.get(name);
    this.#apps.delete(name);
    this.routes.delete(name);
    if (d) this.#retire(d);
  }
}
