// How a deployment is shown by the API: its state, the propagation time, and one row per region
// (`pending | prepared | failed | active`) with the region's own prepare time and when it acked and served.
import type { ApiContext } from "./context.ts";
import type { DeploymentRecord, RegionDeployState } from "../store/types.ts";
import type { PreparePhases } from "../../core/change-log.ts";

export interface RegionRow {
  name: string;
  state: RegionDeployState;
  live: boolean;
  /** The region's own prepare time (fetch, verify, compile, warm), as it reported it. */
  prepareMs?: number;
  /** How `prepareMs` splits, plus `ackMs`: the rest of the time to the ack (log delivery, queueing, the ack's trip). */
  phases?: PreparePhases & { ackMs: number };
  /** From `prepare` appended to the ack received. */
  ackMs?: number;
  /** From `prepare` appended to the region reporting it applied `activate` (progress is at most 1/s). */
  activeMs?: number;
  error?: string;
}

export function deploymentView(ctx: ApiContext, d: DeploymentRecord) {
  const names = new Set([...ctx.store.regions.list().map((r) => r.name), ...Object.keys(d.regions), ...ctx.live.names()]);
  const regions: RegionRow[] = [...names].sort().map((name) => {
    const r = d.regions[name];
    const applied = ctx.store.regions.get(name)?.appliedSeq ?? 0;
    const active = d.activateSeq !== undefined && (r?.activeAt !== undefined || applied >= d.activateSeq);
    const row: RegionRow = { name, state: active ? "active" : (r?.state ?? "pending"), live: ctx.live.isLive(name) };
    if (r?.ms !== undefined) row.prepareMs = r.ms;
    if (r?.ackAt !== undefined) row.ackMs = r.ackAt - d.createdAt;
    if (r?.phases !== undefined) row.phases = { ...r.phases, ackMs: Math.max(0, (row.ackMs ?? 0) - (r.ms ?? 0)) };
    if (r?.activeAt !== undefined) row.activeMs = r.activeAt - d.createdAt;
    if (r?.error !== undefined) row.error = r.error;
    return row;
  });
  return {
    id: d.id,
    app: d.app,
    kind: d.kind,
    state: d.state,
    versions: d.versions,
    createdAt: d.createdAt,
    deadlineAt: d.deadlineAt,
    prepareSeq: d.prepareSeq,
    activateSeq: d.activateSeq ?? null,
    activatedAt: d.activatedAt ?? null,
    /** From `prepare` appended to `activate` appended: every live region had prepared (or the deadline). */
    propagationMs: d.activatedAt !== undefined ? d.activatedAt - d.createdAt : null,
    timedOut: d.timedOut ?? [],
    error: d.error ?? null,
    regions,
  };
}
