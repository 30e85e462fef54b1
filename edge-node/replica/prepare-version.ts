// Prepares one version of a replicated app on this node: its artifact (from the region store, or
// fetched and hash-verified), then loaded and warmed on the runtime pool, not routed. A failure
// that retrying cannot fix (hash mismatch, missing artifact, compile error) is a PrepareFailed;
// anything else (the control plane unreachable) is thrown as it is, to be retried.
import type { Manifest } from "../../sdk/build/index.ts";
import type { AppRegistry, Deployment } from "../apps.ts";
import type { RegionStore } from "../store/region-store.ts";
import { ArtifactMismatch, ensureArtifact, type ArtifactSource } from "./artifacts.ts";
import { CpError } from "./cp-client.ts";
import { versionKey } from "./entries.ts";

export class PrepareFailed extends Error {}

export type Deployer = Pick<AppRegistry, "prepare" | "activate" | "prepared" | "remove">;

export interface PrepareDeps {
  store: RegionStore;
  apps: Deployer;
  source: ArtifactSource;
}

export interface Prepared { deployment: Deployment; fetched: boolean; reused: boolean }

export async function prepareVersion(deps: PrepareDeps, app: string, ref: { version: number; sha256: string; manifest?: Manifest }): Promise<Prepared> {
  const key = versionKey(app, ref.version);
  const loaded = deps.apps.prepared(key);
  if (loaded) return { deployment: loaded, fetched: false, reused: true };
  const manifest = ref.manifest ?? deps.store.version(app, ref.version)?.manifest;
  if (!manifest) throw new PrepareFailed(`${app} version ${ref.version}: this region has no manifest for it (its "version" and "prepare" entries were never applied here)`);
  let artifact: { bytes: Uint8Array; fetched: boolean };
  try {
    artifact = await ensureArtifact(deps.store, deps.source, ref.sha256);
  } catch (err) {
    if (err instanceof ArtifactMismatch) throw new PrepareFailed(`${app} version ${ref.version}: ${err.message}`);
    if (err instanceof CpError && !err.transient) throw new PrepareFailed(`${app} version ${ref.version}: fetching artifact ${ref.sha256}: ${err.message}`);
    throw err;
  }
  try {
    const deployment = await deps.apps.prepare({ name: app, version: String(ref.version), bytes: artifact.bytes, manifest });
    return { deployment, fetched: artifact.fetched, reused: false };
  } catch (err) {
    throw new PrepareFailed(`${app} version ${ref.version}: could not load it: ${(err as Error).message}`);
  }
}
