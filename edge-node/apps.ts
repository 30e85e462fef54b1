// The apps deployed on this node. Preparing a version loads and warms it on the runtime pool
// without routing to it; activating switches an app, in one step, to a set of prepared versions
// with percents (one at 100, or two for a gradual deploy, picked per request with a uniform draw)
// and routes it (on the main thread's table and on the runtime threads' own listeners). Requests
// already running finish on the version they started on; versions the new set does not use are
// dropped from the pool's threads once their requests have finished.
import type { Manifest } from "../core/manifest.ts";
import { appLimits } from "../core/limits.ts";
import type { RuntimePool } from "../runtime/pool/pool.ts";
import { drawByPercent, largestShare } from "../core/largest-share.ts";
import { RouteTable } from "../core/config/route-table.ts";

/** One version loaded (and warmed) on the pool. */
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

/** What an app serves: its versions with the percent of requests each gets (summing to 100). */
export interface ActiveSet {
  /** The control plane's deployment id (null for a node's own deploys from disk). */
  id: string | null;
  versions: Array<{ deployment: Deployment; percent: number }>;
  activatedAt: number;
}

export interface PrepareSpec {
  name: string;
  version: string;
  bytes: Uint8Array;
  /** The SHA-256 the bytes were verified against (a replica's artifact): the runtime does not hash them again. */
  sha256?: string;
  manifest: Manifest;
  secrets?: Record<string, string>;
  /** Hands over the bytes again after an eviction (the region store's artifact): no core module files written. */
  reread?: () => Uint8Array | Promise<Uint8Array>;
}

const primary = (set: ActiveSet): Deployment => largestShare(set.versions).deployment;

export class AppRegistry {
  readonly routes = new RouteTable();
  readonly pool: RuntimePool;
  /** Every version loaded on the pool, active or only prepared, by pool key. */
  #loaded = new Map<string, Deployment>();
  #active = new Map<string, ActiveSet>();
  #retiring = new Set<string>();
  #everActivated = false;

  constructor(pool: RuntimePool) { this.pool = pool; }

  /** Some app has gone live on this node since it started (a node that never had one is still starting). */
  get everActivated(): boolean { return this.#everActivated; }

  /** The app's primary active version. */
  get(name: string): Deployment | undefined {
    const set = this.#active.get(name);
    return set && primary(set);
  }

  /** Every app's primary active version. */
  list(): Deployment[] { return [...this.#active.values()].map(primary); }

  active(name: string): ActiveSet | undefined { return this.#active.get(name); }

  /** A loaded version by pool key (prepared or active). */
  prepared(key: string): Deployment | undefined { return this.#loaded.get(key); }

  /** The version that serves one request of `name`: weighted by percent, uniform draw. */
  pick(name: string): Deployment | undefined {
    const set = this.#active.get(name);
    return set && drawByPercent(set.versions).deployment;
  }

  /** Loads and warms a version on the pool, not routed until activated. */
  async prepare(spec: PrepareSpec): Promise<Deployment> {
    const { manifest } = spec;
    const loaded = await this.pool.deploy({
      name: spec.name,
      version: spec.version,
      bytes: spec.bytes,
      sha256: spec.sha256,
      vars: manifest.vars,
      secrets: spec.secrets ?? {},
      kvNamespaces: manifest.kvNamespaces,
      queues: manifest.queues.producers,
      limits: appLimits(manifest.limits),
      reread: spec.reread,
    });
    const d: Deployment = { name: spec.name, version: spec.version, key: loaded.key, manifest, deployedAt: Date.now(), loadMs: loaded.loadMs, inflight: 0 };
    this.#loaded.set(d.key, d);
    this.#retiring.delete(d.key);
    return d;
  }

  /**
   * Switches `name` to prepared versions in one step and routes it by the primary version's
   * routes. Every other loaded version of the app is retired.
   */
  activate(name: string, versions: Array<{ key: string; percent: number }>, id: string | null = null): ActiveSet {
    if (versions.length === 0) throw new Error(`activating ${name}: no versions given`);
    const total = versions.reduce((s, v) => s + v.percent, 0);
    if (Math.abs(total - 100) > 1e-9 || versions.some((v) => !(v.percent >= 0))) throw new Error(`activating ${name}: percents must be >= 0 and sum to 100, got ${versions.map((v) => v.percent).join(" + ")}`);
    const set: ActiveSet = {
      id,
      activatedAt: Date.now(),
      versions: versions.map((v) => {
        const deployment = this.#loaded.get(v.key);
        if (!deployment || deployment.name !== name) throw new Error(`activating ${name}: version ${v.key} is not prepared on this node`);
        return { deployment, percent: v.percent };
      }),
    };
    for (const v of set.versions) this.#retiring.delete(v.deployment.key);
    this.#active.set(name, set);
    this.#everActivated = true;
    this.routes.set(name, primary(set).manifest.routes);
    this.#publish(); // before any version is retired: a thread's listener never routes to one dropped
    const keep = new Set(versions.map((v) => v.key));
    for (const d of [...this.#loaded.values()]) if (d.name === name && !keep.has(d.key)) this.#retire(d);
    return set;
  }

  /** Loads, warms and activates `bytes` as the only version of the app `manifest.name`. */
  async deploy(bytes: Uint8Array, manifest: Manifest, secrets: Record<string, string> = {}): Promise<Deployment> {
    const d = await this.prepare({ name: manifest.name, version: manifest.sha256.slice(0, 12), bytes, manifest, secrets });
    this.activate(manifest.name, [{ key: d.key, percent: 100 }]);
    return d;
  }

  /** Gives the runtime threads' own listeners the routes and versions of every active app. */
  #publish(): void {
    this.pool.setRoutes([...this.#active].map(([name, set]) => ({
      name,
      routes: primary(set).manifest.routes,
      versions: set.versions.map((v) => ({ key: v.deployment.key, percent: v.percent })),
    })));
  }

  /** Drops a version once its requests on this node have finished (unless it is activated again). */
  #retire(d: Deployment): void {
    if (this.#retiring.has(d.key)) return;
    this.#retiring.add(d.key);
    const check = () => {
      if (!this.#retiring.has(d.key) || this.#loaded.get(d.key) !== d) return;
      if (d.inflight > 0) return void setTimeout(check, 50);
      this.#retiring.delete(d.key);
      this.#loaded.delete(d.key);
      this.pool.undeploy(d.key);
    };
    check();
  }

  /**
   * Drops a version that is loaded but in no active set (one prepared ahead that no deployment used).
   * False when this deployment is active, or no longer the one loaded under its key.
   */
  unload(d: Deployment): boolean {
    if (this.#loaded.get(d.key) !== d) return false;
    if (this.#active.get(d.name)?.versions.some((v) => v.deployment === d)) return false;
    this.#retire(d);
    return true;
  }

  async remove(name: string): Promise<void> {
    this.#active.delete(name);
    this.routes.delete(name);
    this.#publish();
    for (const d of [...this.#loaded.values()]) if (d.name === name) this.#retire(d);
  }
}
