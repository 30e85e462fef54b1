// At start, before the control plane is asked anything: deploys every app's active deployment
// from the region store (artifacts and manifests kept there), so a restarted node serves its last
// good state even while the control plane is unreachable.
import type { RegionStore } from "../store/region-store.ts";
import { versionKey } from "./entries.ts";
import { prepareVersion, type Deployer } from "./prepare-version.ts";

const offline = {
  artifact: (sha256: string) => Promise.reject(new Error(`artifact ${sha256} is not in the region store`)),
};

/** Resolves the number of apps restored. */
export async function restoreActive(store: RegionStore, apps: Deployer, say: (line: string) => void): Promise<number> {
  let restored = 0;
  for (const a of store.activeDeployments()) {
    try {
      for (const v of a.versions) await prepareVersion({ store, apps, source: offline }, a.app, v);
      apps.activate(a.app, a.versions.map((v) => ({ key: versionKey(a.app, v.version), percent: v.percent })), a.id);
      restored++;
    } catch (err) {
      say(`sync: could not restore ${a.app} (deploy ${a.id}) from the region store: ${(err as Error).message}`);
    }
  }
  return restored;
}
