// Prepares one version of a replicated app on this node: its artifact (from the region store, or
// fetched and hash-verified), then compiled, loaded and warmed on the runtime pool with the app's
// secrets bound (not routed), timing each phase; or takes over the prepare that a live `version`
// entry started ahead (speculative.ts), if it succeeded and is still loaded. A failure that retrying
// cannot fix (hash mismatch, missing artifact, compile error) is a PrepareFailed; anything else (the
// control plane unreachable) is thrown as it is, to be retried.
import type { Manifest } from "../../core/manifest.ts";
import type { AppRegistry, Deployment } from "../apps.ts";
import type { RegionStore } from "../store/region-store.ts";
import { ArtifactMismatch, ensureArtifact, type ArtifactSource } from "./artifacts.ts";
import { CpError } from "./cp-client.ts";
import { versionKey, versionLabel, type PreparePhases } from "./entries.ts";

export class PrepareFailed extends Error {}

export type Deployer = Pick<AppRegistry, "prepare" | "activate" | "prepared" | "remove" | "unload">;

/** Prepares started ahead (speculative.ts): the one for a pool key, taken over by the caller. */
export interface AheadPrepares {
  claim(key: string): Promise<Prepared | null> | undefined;
}

export interface PrepareDeps {
  store: RegionStore;
  apps: Deployer;
  source: ArtifactSource;
  ahead?: AheadPrepares;
}

export interface Prepared { deployment: Deployment; fetched: boolean; ahead: boolean; reused: boolean; phases: PreparePhases }

export const noPhases = (): PreparePhases => ({ fetchMs: 0, verifyMs: 0, compileMs: 0, warmMs: 0 });

/** Sums phase timings (a deployment of two versions reports both; `aheadMs` only when either has it). */
export function addPhases(into: PreparePhases, p: PreparePhases): PreparePhases {
  const keys = new Set([...Object.keys(into), ...Object.keys(p)]) as Set<keyof PreparePhases>;
  for (const k of keys) into[k] = Math.round(((into[k] ?? 0) + (p[k] ?? 0)) * 10) / 10;
  return into;
}

/** The secrets a version binds: the names its manifest declares that the app has values for (as `outpost dev` does). */
export function boundSecrets(all: Record<string, string>, manifest: Manifest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of manifest.secrets ?? []) if (Object.hasOwn(all, name)) out[name] = all[name];
  return out;
}

export async function prepareVersion(deps: PrepareDeps, app: string, ref: { version: number; sha256: string; manifest?: Manifest }): Promise<Prepared> {
  const gen = deps.store.secretsGen(app);
  const key = versionKey(app, ref.version, gen);
  const early = await deps.ahead?.claim(key); // null: it failed, this prepare tries again (and reports)
  if (early && deps.apps.prepared(key) === early.deployment) return early;
  const loaded = deps.apps.prepared(key);
  if (loaded) return { deployment: loaded, fetched: false, ahead: false, reused: true, phases: noPhases() };
  const manifest = ref.manifest ?? deps.store.version(app, ref.version)?.manifest;
  if (!manifest) throw new PrepareFailed(`${app} version ${ref.version}: this region has no manifest for it (its "version" and "prepare" entries were never applied here)`);
  let artifact: Awaited<ReturnType<typeof ensureArtifact>>;
  try {
    artifact = await ensureArtifact(deps.store, deps.source, ref.sha256);
  } catch (err) {
    if (err instanceof ArtifactMismatch) throw new PrepareFailed(`${app} version ${ref.version}: ${err.message}`);
    if (err instanceof CpError && !err.transient) throw new PrepareFailed(`${app} version ${ref.version}: fetching artifact ${ref.sha256}: ${err.message}`);
    throw err;
  }
  const t = performance.now();
  let deployment: Deployment;
  try {
    const secrets = boundSecrets(deps.store.secretsOf(app), manifest);
    // The bytes hash to ref.sha256: checked when they were fetched, before they were stored.
    const reread = () => {
      const bytes = deps.store.artifact(ref.sha256);
      if (!bytes) throw new Error(`${app} version ${ref.version}: artifact ${ref.sha256} is no longer in the region store`);
      return bytes;
    };
    deployment = await deps.apps.prepare({ name: app, version: versionLabel(ref.version, gen), bytes: artifact.bytes, sha256: ref.sha256, manifest, secrets, reread });
  } catch (err) {
    artifact.stored.catch(() => undefined);
    throw new PrepareFailed(`${app} version ${ref.version}: could not load it: ${(err as Error).message}`);
  }
  await artifact.stored; // written while it compiled; durable before the version counts as prepared
  const loadMs = performance.now() - t;
  const phases = { fetchMs: artifact.fetchMs, verifyMs: artifact.verifyMs, compileMs: Math.max(0, loadMs - deployment.loadMs), warmMs: deployment.loadMs };
  return { deployment, fetched: artifact.fetched, ahead: artifact.ahead ?? false, reused: false, phases: addPhases(noPhases(), phases) };
}

/** Prepares every version of a set, in order; answers their pool keys with their percents, to activate. */
export async function prepareSet(deps: PrepareDeps, app: string, versions: ReadonlyArray<{ version: number; sha256: string; percent: number; manifest?: Manifest }>) {
  const keys: Array<{ key: string; percent: number }> = [];
  const phases = noPhases();
  for (const v of versions) {
    const p = await prepareVersion(deps, app, v);
    addPhases(phases, p.phases);
    keys.push({ key: p.deployment.key, percent: v.percent });
  }
  return { keys, phases };
}
