// Speculative prepare: a live `version` entry (an upload now; its deploy usually follows at once)
// prepares that version ahead on this region (fetch, verify, compile, load and warm on the pool, not
// routed), so the deployment's prepare that follows takes it over: it waits for it if it is still
// running (no second compile) or finds it done, and reports its phases with `aheadMs`, the part done
// before it asked. Only for apps this region serves. At most one per app: one superseded by a newer
// upload (or a secret change, or app.delete), or not taken within `ttlMs`, is unloaded from the pool.
// It is never routed and never written to the region store. One that failed is forgotten: the real
// prepare tries again and reports its own error.
import type { Manifest } from "../../core/manifest.ts";
import { versionKey } from "./entries.ts";
import { prepareVersion, type AheadPrepares, type Prepared, type PrepareDeps } from "./prepare-version.ts";

export interface SpeculatorDeps extends Omit<PrepareDeps, "ahead"> {
  region: string;
  say(line: string): void;
  /** How long a version prepared ahead waits for a deployment before it is unloaded (default 60 s). */
  ttlMs?: number;
}

interface Ahead {
  app: string;
  key: string;
  startedAt: number;
  doneAt?: number;
  /** The prepare's outcome (null: it failed). */
  result: Promise<Prepared | null>;
  timer?: NodeJS.Timeout;
}

export class Speculator implements AheadPrepares {
  #d: SpeculatorDeps;
  /** Prepares started ahead and not taken yet (discarded ones too, until they settle), by pool key. */
  #byKey = new Map<string, Ahead>();
  /** Per app, the key of its current prepare ahead. */
  #latest = new Map<string, string>();
  /** Counters (for tests and logs): prepares started ahead, taken by a deployment, unloaded unused. */
  readonly counts = { started: 0, taken: 0, unloaded: 0 };

  constructor(deps: SpeculatorDeps) { this.#d = deps; }

  /** Starts preparing a just-uploaded version ahead; false when this region does not serve the app. */
  start(app: string, ref: { version: number; sha256: string; manifest: Manifest }): boolean {
    const { regions } = ref.manifest;
    if (regions && !regions.includes(this.#d.region)) return false;
    const key = versionKey(app, ref.version, this.#d.store.secretsGen(app));
    if (this.#byKey.has(key) || this.#d.apps.prepared(key)) return true;
    this.drop(app, `v${ref.version} was uploaded`);
    const a: Ahead = { app, key, startedAt: performance.now(), result: Promise.resolve(null) };
    a.result = prepareVersion(this.#d, app, ref).then(
      (p) => { a.doneAt = performance.now(); return p; },
      (err: Error) => {
        this.#d.say(`sync: ${app} v${ref.version} not prepared ahead (the deploy's prepare will try again): ${err.message}`);
        if (this.#byKey.get(key) === a) this.#forget(a);
        return null;
      },
    );
    this.#byKey.set(key, a);
    this.#latest.set(app, key);
    a.timer = setTimeout(() => this.#discard(a, `no deployment took it within ${this.#ttl / 1000} s`), this.#ttl);
    a.timer.unref();
    this.counts.started++;
    return true;
  }

  /** The prepare started ahead for a pool key, now the caller's (its phases with `aheadMs`), or undefined. */
  claim(key: string): Promise<Prepared | null> | undefined {
    const a = this.#byKey.get(key);
    if (!a) return undefined;
    this.#forget(a);
    this.counts.taken++;
    const askedAt = performance.now();
    return a.result.then((p) => p && {
      ...p,
      ahead: true,
      phases: { ...p.phases, aheadMs: Math.round((Math.min(a.doneAt ?? askedAt, askedAt) - a.startedAt) * 10) / 10 },
    });
  }

  /** Unloads the app's version prepared ahead, if any (a newer upload, a secret change, app.delete). */
  drop(app: string, why: string): void {
    const key = this.#latest.get(app);
    const a = key === undefined ? undefined : this.#byKey.get(key);
    if (a) this.#discard(a, why);
  }

  /** Stops the expiry timers (the node is stopping). */
  stop(): void {
    for (const a of this.#byKey.values()) clearTimeout(a.timer);
  }

  get #ttl(): number { return this.#d.ttlMs ?? 60_000; }

  #forget(a: Ahead): void {
    clearTimeout(a.timer);
    this.#byKey.delete(a.key);
    if (this.#latest.get(a.app) === a.key) this.#latest.delete(a.app);
  }

  #discard(a: Ahead, why: string): void {
    clearTimeout(a.timer);
    if (this.#latest.get(a.app) === a.key) this.#latest.delete(a.app);
    void a.result.then((p) => {
      if (this.#byKey.get(a.key) !== a) return; // taken meanwhile (or it failed)
      this.#byKey.delete(a.key);
      if (p && this.#d.apps.unload(p.deployment)) {
        this.counts.unloaded++;
        this.#d.say(`sync: ${a.key} prepared ahead, unloaded: ${why}`);
      }
    });
  }
}
