// Deploy propagation: one upload + deploy at a time, timed from the start of the upload until every
// region answers `/release` with the new version's RELEASE marker, plus the split the control plane
// reports for that deployment (last region's ack, `activate` appended) and the regions' own prepare time.
import { call } from "../../testkit/http.ts";
import type { BuiltApp } from "../../testkit/cluster.ts";
import { progress } from "../lib/progress.ts";
import { APP } from "./apps.ts";
import type { Probe } from "./probe.ts";

export interface DeploySample {
  version: number;
  marker: string;
  sha256: string;
  /** Upload request sent → answered (version stored). */
  uploadMs: number;
  /** Upload answered → deploy request answered (`prepare` appended). */
  deployRequestMs: number;
  /** Upload answered → the last region answered with the new marker. */
  afterUploadMs: number;
  /** Upload sent → the last region answered with the new marker. */
  totalMs: number;
  /** Per region: upload answered → its first answer with the new marker. */
  regionsMs: Record<string, number>;
  /** What the control plane reports (GET /v1/deployments/:id), all from `prepare` appended. */
  cp: { lastAckMs: number; propagationMs: number; slowestPrepareMs: number; activateToServingMs: number };
  /** The slowest region's prepare, phase by phase, as it acked it (fetch, verify, compile, warm; ms). */
  slowestPhases: Record<string, number>;
}

export interface DeployContext { cpUrl: string; probe: Probe; timeoutMs: number }

const releaseIs = (marker: string) => (status: number, text: string) => status === 200 && text.includes(`"release":${JSON.stringify(marker)}`);

/** Uploads `app` with RELEASE = `marker`, deploys it, and times it until every region serves it. */
export async function timedDeploy(ctx: DeployContext, app: BuiltApp, marker: string): Promise<DeploySample> {
  const manifest = { ...app.manifest, vars: { RELEASE: marker } };
  const epoch0 = Date.now();
  const t0 = performance.now();
  const up = await call(ctx.cpUrl, "POST", `/v1/apps/${APP}/versions`, { msgpack: { manifest, component: app.component } });
  const tUp = performance.now();
  if (up.status !== 201) throw new Error(`upload of ${marker} answered ${up.status}: ${JSON.stringify(up.body)}`);
  const seen = ctx.probe.firstSeen("/release", releaseIs(marker), ctx.timeoutMs);
  seen.catch(() => {}); // awaited below; a deploy error is reported first
  const dep = await call(ctx.cpUrl, "POST", `/v1/apps/${APP}/deployments`, { json: { versions: [{ version: up.body.version }] } });
  const tDep = performance.now();
  if (dep.status !== 202 && dep.status !== 200) throw new Error(`deploy of ${marker} answered ${dep.status}: ${JSON.stringify(dep.body)}`);
  const at = await seen;
  const last = Math.max(...Object.values(at));
  const view = (await call(ctx.cpUrl, "GET", `/v1/deployments/${dep.body.deployId}`)).body;
  if (view.state !== "active" || view.timedOut.length) throw new Error(`deployment ${dep.body.deployId} of ${marker}: ${view.state}, timed out: ${view.timedOut.join(", ") || "none"} ${view.error ?? ""}`);
  const rows = view.regions as Array<{ ackMs?: number; prepareMs?: number; phases?: Record<string, number> }>;
  const slowest = rows.reduce((a, b) => ((b.prepareMs ?? -1) > (a.prepareMs ?? -1) ? b : a), rows[0]);
  return {
    version: up.body.version,
    marker,
    sha256: up.body.sha256,
    uploadMs: tUp - t0,
    deployRequestMs: tDep - tUp,
    afterUploadMs: last - tUp,
    totalMs: last - t0,
    regionsMs: Object.fromEntries(Object.entries(at).map(([name, t]) => [name, t - tUp])),
    cp: {
      lastAckMs: Math.max(...rows.map((r) => r.ackMs ?? Number.NaN)),
      propagationMs: view.propagationMs,
      slowestPrepareMs: Math.max(...rows.map((r) => r.prepareMs ?? Number.NaN)),
      // Both clocks are this machine's: the bench's epoch at t0 plus elapsed, against the CP's Date.now().
      activateToServingMs: epoch0 + (last - t0) - view.activatedAt,
    },
    slowestPhases: slowest?.phases ?? {},
  };
}

/**
 * `n` timed deploys. "code": each uploads the next new-code build (regions fetch, verify, transpile,
 * compile and warm a component they never saw). "config": each uploads `builds[0]` again with a new
 * RELEASE, a new version whose artifact every region already holds.
 */
export async function deployRow(ctx: DeployContext, kind: "code" | "config", builds: BuiltApp[], n: number): Promise<DeploySample[]> {
  const out: DeploySample[] = [];
  for (let i = 0; i < n; i++) {
    const app = kind === "code" ? builds[i] : builds[0];
    const s = await timedDeploy(ctx, app, `${kind}-${i + 1}`);
    progress(`deploy.${kind} ${i + 1}/${n}: all regions serving ${s.afterUploadMs.toFixed(0)} ms after the upload (upload ${s.uploadMs.toFixed(0)} ms)`);
    out.push(s);
  }
  return out;
}
