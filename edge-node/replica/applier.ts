// Applies the control plane's log entries to this region, in order, each committed with its seq:
// `version` records a version's manifest (and, live, prepares it ahead when this region serves the
// app, speculative.ts, else starts fetching its artifact); `prepare` fetches, verifies, compiles and
// warms the versions (not routed; taking over a prepare started ahead), then acks with its time per
// phase; `activate` switches the app's routes to the new version set in one step (preparing first
// what this region lacks); `kv.*` writes the store; `secret.*` stores a secret and reloads the app
// with it; `app.delete` removes the app. In a replayed backlog, a `prepare` or `activate` that a
// later entry makes moot is skipped (catch-up.ts). Errors that retrying may fix are thrown (the
// follower reconnects and the entry is applied again, idempotently); the others are logged, acked
// as failed, and the entry is done.
import type { LogEntry, PrepareEntry, ActivateEntry } from "./entries.ts";
import type { ControlPlaneApi } from "./cp-client.ts";
import { CpError } from "./cp-client.ts";
import { prefetchArtifact, type ArtifactSource } from "./artifacts.ts";
import { activatedInVain, preparedInVain, type ApplyContext } from "./catch-up.ts";
import { applyKvEntry } from "../store/kv-apply.ts";
import type { RegionStore, StoredVersion } from "../store/region-store.ts";
import { addPhases, noPhases, PrepareFailed, prepareSet, prepareVersion, type Deployer } from "./prepare-version.ts";
import { applySecret } from "./secret-apply.ts";
import { Speculator } from "./speculative.ts";

export interface ApplierDeps {
  store: RegionStore;
  apps: Deployer;
  cp: ArtifactSource & Pick<ControlPlaneApi, "ack"> & Partial<Pick<ControlPlaneApi, "deploymentState">>;
  region: string;
  say(line: string): void;
  /** How long a version prepared ahead at its upload waits for a deployment (default 60 s). */
  aheadTtlMs?: number;
}

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

export class Applier {
  #d: ApplierDeps;
  /** Versions prepared ahead at their upload, taken over by the deployment's prepare. */
  readonly ahead: Speculator;
  constructor(deps: ApplierDeps) {
    this.#d = deps;
    this.ahead = new Speculator({ store: deps.store, apps: deps.apps, source: deps.cp, region: deps.region, say: deps.say, ttlMs: deps.aheadTtlMs });
  }

  /** Stops the timers of versions prepared ahead. */
  stop(): void { this.ahead.stop(); }

  #deps() { return { store: this.#d.store, apps: this.#d.apps, source: this.#d.cp, ahead: this.ahead }; }

  /** Applies one entry; resolves false when it was already applied (seq <= appliedSeq). */
  async apply(e: LogEntry | { seq: number; t: string }, ctx: ApplyContext = {}): Promise<boolean> {
    const { store } = this.#d;
    if (e.seq <= store.appliedSeq) return false;
    const entry = e as LogEntry;
    switch (entry.t) {
      case "version": {
        // Live (an upload now), the deploy usually follows at once: prepare it (or at least fetch it)
        // meanwhile. Never in a replayed backlog: a returning region prepares only the end state.
        if (!ctx.backlog && !this.ahead.start(entry.app, entry)) prefetchArtifact(store, this.#d.cp, entry.sha256);
        return store.commit(entry.seq, () => {
          if (!store.version(entry.app, entry.version)) {
            store.versions.put([entry.app, entry.version], { app: entry.app, version: entry.version, sha256: entry.sha256, manifest: entry.manifest });
          }
        });
      }
      case "prepare": return this.#prepare(entry, ctx);
      case "activate": return this.#activate(entry, ctx);
      case "kv.put":
      case "kv.delete":
        return applyKvEntry(store, entry);
      case "secret.put":
      case "secret.delete":
        this.ahead.drop(entry.app, "the app's secrets changed");
        return applySecret(this.#d, entry, ctx);
      case "app.delete": {
        this.ahead.drop(entry.app, "the app was deleted");
        await this.#d.apps.remove(entry.app);
        const done = await store.commit(entry.seq, () => {
          store.apps.remove(entry.app);
          for (const v of store.versionsOf(entry.app)) store.versions.remove([entry.app, v.version]);
          for (const name of Object.keys(store.secretsOf(entry.app))) store.secrets.remove([entry.app, name]);
        });
        for (const sha of store.orphanArtifacts()) await store.artifacts.remove(sha);
        this.#d.say(`sync: seq ${entry.seq} app ${entry.app} deleted`);
        return done;
      }
      default:
        this.#d.say(`sync: seq ${e.seq}: unknown entry type ${JSON.stringify(e.t)}, skipped (is this edge node older than its control plane?)`);
        return store.commit(e.seq);
    }
  }

  /** In a replay: why the CP no longer waits for this deployment (settled), or null (preparing, or unknown). */
  async #settled(deployId: string): Promise<string | null> {
    const state = await this.#d.cp.deploymentState?.(deployId).catch(() => null);
    return state && state !== "preparing" ? `deploy ${deployId} is already ${state} at the control plane` : null;
  }

  async #prepare(e: PrepareEntry, ctx: ApplyContext): Promise<boolean> {
    const { store, cp, region, say } = this.#d;
    const what = `seq ${e.seq} prepare ${e.app} ${e.versions.map((v) => `v${v.version}`).join("+")} (deploy ${e.deployId})`;
    const records: StoredVersion[] = e.versions.map((v) => ({ app: e.app, version: v.version, sha256: v.sha256, manifest: v.manifest }));
    const moot = preparedInVain(e, ctx) ?? (ctx.backlog ? await this.#settled(e.deployId) : null);
    if (moot) say(`sync: ${what} skipped: ${moot}`);
    const t = performance.now();
    const phases = noPhases();
    let error: string | undefined;
    let fetched = 0;
    let ahead = false;
    for (const [i, v] of (moot ? [] : e.versions).entries()) {
      try {
        const p = await prepareVersion(this.#deps(), e.app, v);
        addPhases(phases, p.phases);
        if (p.fetched) fetched += p.deployment.manifest.size ?? 0;
        ahead ||= p.ahead;
        records[i].preparedAt = Date.now();
      } catch (err) {
        if (!(err instanceof PrepareFailed)) throw err;
        error = err.message;
        records[i].failed = err.message;
        break;
      }
    }
    if (!moot) {
      const ms = Math.round(performance.now() - t);
      if (error) say(`sync: ${what} REFUSED: ${error}`);
      else say(`sync: ${what} prepared in ${ms} ms${fetched ? ` (fetched ${mb(fetched)}${ahead ? ", download started at upload" : ""})` : ""} (fetch ${phases.fetchMs}, verify ${phases.verifyMs}, compile ${phases.compileMs}, warm ${phases.warmMs} ms${phases.aheadMs !== undefined ? `; ${phases.aheadMs} ms of it ahead, from the upload` : ""})`);
      try {
        await cp.ack(e.deployId, { region, ok: !error, ...(error ? { error } : {}), ms, phases });
      } catch (err) {
        if (!(err instanceof CpError) || err.transient) throw err;
        say(`sync: ${what}: ack not taken (${err.message})`); // e.g. a deployment long since activated
      }
    }
    return store.commit(e.seq, () => {
      for (const r of records) {
        const old = store.version(r.app, r.version);
        store.versions.put([r.app, r.version], { ...old, ...r });
      }
    });
  }

  async #activate(e: ActivateEntry, ctx: ApplyContext): Promise<boolean> {
    const { store, apps, say } = this.#d;
    const t = performance.now();
    const what = `seq ${e.seq} activate ${e.app} ${e.versions.map((v) => `v${v.version}@${v.percent}%`).join(" + ")} (deploy ${e.deployId})`;
    const moot = activatedInVain(e, ctx);
    if (moot) {
      say(`sync: ${what} skipped: ${moot}`);
      return store.commit(e.seq);
    }
    let set: Awaited<ReturnType<typeof prepareSet>>;
    try {
      set = await prepareSet(this.#deps(), e.app, e.versions);
    } catch (err) {
      if (!(err instanceof PrepareFailed)) throw err;
      say(`sync: ${what} NOT ACTIVATED, still serving the previous version: ${err.message}`);
      return store.commit(e.seq);
    }
    // Durable before visible: once a request was served by this set, a restart (even after SIGKILL)
    // restores this set or a later one, never the one before.
    const done = await store.commit(e.seq, () => {
      store.apps.put(e.app, { app: e.app, id: e.deployId, versions: e.versions.map(({ version, sha256, percent }) => ({ version, sha256, percent })), activatedAt: Date.now(), seq: e.seq });
    });
    apps.activate(e.app, set.keys, e.deployId);
    say(`sync: ${what} active in ${Math.round(performance.now() - t)} ms`);
    return done;
  }
}
