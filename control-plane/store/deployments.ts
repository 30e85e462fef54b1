// Deployments: the `prepare` and `activate` mutations (each with its log entry, in one transaction) and
// the CP-local bookkeeping around them: acks per region, failure, supersession, when regions went active.
import type { StoreCore } from "./core.ts";
import type { DeploymentRecord, RegionDeployRecord } from "./types.ts";
import type { PreparedVersion, PreparePhases, VersionRef } from "../../core/change-log.ts";

export type PrepareResult =
  | { ok: true; deployment: DeploymentRecord; superseded: string | null }
  | { ok: false; reason: "unknown_app" | "unknown_version"; message: string };

export class DeploymentStore {
  #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  get(id: string): DeploymentRecord | undefined {
    return this.#core.dbs.deployments.get(id);
  }

  /** The app's deployments, newest first. */
  forApp(app: string, limit: number = 50): DeploymentRecord[] {
    const all = Array.from(this.#core.dbs.deployments.getRange(), (e) => e.value).filter((d) => d.app === app);
    return all.sort((a, b) => b.prepareSeq - a.prepareSeq).slice(0, limit);
  }

  preparing(): DeploymentRecord[] {
    return Array.from(this.#core.dbs.deployments.getRange(), (e) => e.value).filter((d) => d.state === "preparing");
  }

  /**
   * Appends `prepare` for the version set and records the deployment (id `d<seq>`); a deployment of the
   * same app still preparing is superseded (it will never activate).
   */
  prepare(app: string, kind: DeploymentRecord["kind"], versions: { version: number; percent: number }[], deadlineMs: number): Promise<PrepareResult> {
    const dbs = this.#core.dbs;
    return this.#core.write((append, now): PrepareResult => {
      const rec = dbs.apps.get(app);
      if (!rec) return { ok: false, reason: "unknown_app", message: `app '${app}' does not exist` };
      const prepared: PreparedVersion[] = [];
      for (const { version, percent } of versions) {
        const v = dbs.versions.get([app, version]);
        if (!v) return { ok: false, reason: "unknown_version", message: `app '${app}' has no version ${version}` };
        prepared.push({ version, sha256: v.sha256, percent, manifest: v.manifest });
      }
      const id = `d${this.#core.log.nextSeqInTxn()}`;
      const old = rec.pendingDeployId ? dbs.deployments.get(rec.pendingDeployId) : undefined;
      const superseded = old && old.state === "preparing" ? old.id : null;
      if (old && superseded) dbs.deployments.put(old.id, { ...old, state: "superseded", error: `superseded by ${id}` });
      const entry = append({ t: "prepare", app, deployId: id, versions: prepared });
      const refs: VersionRef[] = prepared.map(({ version, sha256, percent }) => ({ version, sha256, percent }));
      const deployment: DeploymentRecord = {
        id, app, kind, versions: refs, state: "preparing", createdAt: now, deadlineAt: now + deadlineMs, prepareSeq: entry.seq, regions: {},
      };
      dbs.deployments.put(id, deployment);
      dbs.apps.put(app, { ...rec, pendingDeployId: id });
      return { ok: true, deployment, superseded };
    });
  }

  /**
   * Appends `activate` and makes the version set the app's deployment, if the deployment is still the app's
   * pending one. Answers the updated record, or null when it is no longer preparing.
   */
  activate(id: string, timedOut: string[] = []): Promise<DeploymentRecord | null> {
    const dbs = this.#core.dbs;
    return this.#core.write((append, now) => {
      const d = dbs.deployments.get(id);
      if (!d || d.state !== "preparing") return null;
      const app = dbs.apps.get(d.app);
      if (!app || app.pendingDeployId !== id) {
        dbs.deployments.put(id, { ...d, state: "superseded", error: d.error ?? "no longer the app's pending deployment" });
        return null;
      }
      const entry = append({ t: "activate", app: d.app, deployId: id, versions: d.versions });
      const next: DeploymentRecord = { ...d, state: "active", activateSeq: entry.seq, activatedAt: now };
      if (timedOut.length) next.timedOut = timedOut;
      dbs.deployments.put(id, next);
      dbs.apps.put(d.app, { ...app, pendingDeployId: null, deployment: { id, versions: d.versions, activatedAt: now } });
      return next;
    });
  }

  /** Marks a preparing deployment failed (no `activate` will follow); CP-local. */
  fail(id: string, error: string): Promise<DeploymentRecord | null> {
    const dbs = this.#core.dbs;
    return this.#core.write(() => {
      const d = dbs.deployments.get(id);
      if (!d || d.state !== "preparing") return null;
      const next: DeploymentRecord = { ...d, state: "failed", error };
      dbs.deployments.put(id, next);
      const app = dbs.apps.get(d.app);
      if (app && app.pendingDeployId === id) dbs.apps.put(d.app, { ...app, pendingDeployId: null });
      return next;
    });
  }

  /** Records a region's ack; answers the updated record, or null for an unknown deployment. */
  recordAck(id: string, region: string, ack: { ok: boolean; error?: string; ms?: number; phases?: PreparePhases }): Promise<DeploymentRecord | null> {
    const dbs = this.#core.dbs;
    return this.#core.write((_append, now) => {
      const d = dbs.deployments.get(id);
      if (!d) return null;
      const r: RegionDeployRecord = { ...d.regions[region], state: ack.ok ? "prepared" : "failed", ackAt: now };
      if (ack.ms !== undefined) r.ms = ack.ms;
      if (ack.phases !== undefined) r.phases = ack.phases;
      else delete r.phases;
      if (ack.error !== undefined) r.error = ack.error;
      else delete r.error;
      const next = { ...d, regions: { ...d.regions, [region]: r } };
      dbs.deployments.put(id, next);
      return next;
    });
  }

  /** Records when a region first reported an appliedSeq at or past the activate entry. */
  markRegionActive(id: string, region: string, at: number): Promise<void> {
    const dbs = this.#core.dbs;
    return this.#core.write(() => {
      const d = dbs.deployments.get(id);
      if (!d || d.regions[region]?.activeAt !== undefined) return;
      const r: RegionDeployRecord = d.regions[region] ?? { state: "prepared", ackAt: at };
      dbs.deployments.put(id, { ...d, regions: { ...d.regions, [region]: { ...r, activeAt: at } } });
    });
  }
}
