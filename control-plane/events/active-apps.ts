// What the active deployments run, as the event machinery needs it: for each app with an active
// deployment, its primary version (the one with the largest share; the first on a tie) and that
// version's manifest, whose `crons` and `queues.consumers` are the app's events.
import { largestShare } from "../../core/largest-share.ts";
import type { Store } from "../store/store.ts";
import type { Manifest } from "../../core/manifest.ts";
import type { VersionRef } from "../../core/change-log.ts";

export interface ActiveApp {
  app: string;
  version: number;
  manifest: Manifest;
  /** When the current deployment became active. */
  activatedAt: number;
}

/**
 * The version that speaks for a version set (events run on it): the regions' own rule
 * (core/largest-share.ts), so the control plane and a region agree on which version that is.
 */
export const primaryVersion = (versions: readonly { version: number; percent: number }[]): number => largestShare(versions).version;

export function activeApp(store: Store, app: string): ActiveApp | undefined {
  const rec = store.apps.get(app);
  if (!rec?.deployment || rec.deployment.versions.length === 0) return undefined;
  const version = primaryVersion(rec.deployment.versions as VersionRef[]);
  const v = store.apps.version(app, version);
  return v && { app, version, manifest: v.manifest, activatedAt: rec.deployment.activatedAt };
}

export function activeApps(store: Store): ActiveApp[] {
  const out: ActiveApp[] = [];
  for (const rec of store.apps.list()) {
    const a = rec.deployment ? activeApp(store, rec.name) : undefined;
    if (a) out.push(a);
  }
  return out;
}
