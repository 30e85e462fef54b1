// At start, before the control plane is asked anything: deploys every app's active deployment
// from the region store (artifacts, manifests and secrets kept there), so a restarted node serves
// its last good state even while the control plane is unreachable (those `keep` accepts; default all).
import type { ActiveDeployment, RegionStore } from "../store/region-store.ts";
import { prepareSet, type Deployer } from "./prepare-version.ts";

const offline = {
  artifact: (sha256: string) => Promise.reject(new Error(`artifact ${sha256} is not in the region store`)),
};

/** Resolves the number of apps restored. */
export async function restoreActive(store: RegionStore, apps: Deployer, say: (line: string) => void, keep: (a: ActiveDeployment) => boolean = () => true): Promise<number> {
  let restored = 0;
  for (const a of store.activeDeployments()) {
    if (!keep(a)) continue;
    try {
      const set = await prepareSet({ store, apps, source: offline }, a.app, a.versions);
      apps.activate(a.app, set.keys, a.id);
      restored++;
    } catch (err) {
      say(`sync: could not restore ${a.app} (deploy ${a.id}) from the region store: ${(err as Error).message}`);
    }
  }
  return restored;
}
