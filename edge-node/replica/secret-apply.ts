// Applies `secret.put` / `secret.delete` to a region: the value goes to the region store with the
// entry's seq (so a restarted region binds it offline), and when the app's active versions declare
// that secret, the same version set is loaded again with the new values under new pool keys and
// activated in one step, like a Workers secret change: requests already running finish with the old
// values, new requests see the new ones (in a replayed backlog, only at the app's last change of a
// secret those versions declare).
// Values are never written to the node's output.
import type { ArtifactSource } from "./artifacts.ts";
import { reloadedInVain, type ApplyContext } from "./catch-up.ts";
import type { SecretDeleteEntry, SecretPutEntry } from "./entries.ts";
import { prepareSet, type Deployer } from "./prepare-version.ts";
import type { RegionStore } from "../store/region-store.ts";

export interface SecretDeps {
  store: RegionStore;
  apps: Deployer;
  cp: ArtifactSource;
  say(line: string): void;
}

export async function applySecret(d: SecretDeps, e: SecretPutEntry | SecretDeleteEntry, ctx: ApplyContext = {}): Promise<boolean> {
  const { store, apps, say } = d;
  const done = await store.commit(e.seq, () => {
    if (e.t === "secret.put") store.secrets.put([e.app, e.name], e.value);
    else store.secrets.remove([e.app, e.name]);
    store.meta.put(`secrets:${e.app}`, e.seq); // new pool keys for the app's versions from now on
  });
  if (!done) return false;
  const active = store.active(e.app);
  const declared = (name: string) => active?.versions.some((v) => store.version(e.app, v.version)?.manifest.secrets?.includes(name)) ?? false;
  const binds = declared(e.name);
  const what = `sync: seq ${e.seq} secret ${e.name} of ${e.app} ${e.t === "secret.put" ? "set" : "deleted"}`;
  const moot = binds ? reloadedInVain(e, ctx, declared) : null;
  if (!active || !binds || moot) {
    say(`${what}${moot ? `; reload skipped: ${moot}` : active ? " (the versions it serves do not declare it)" : ""}`);
    return true;
  }
  const t = performance.now();
  try {
    const set = await prepareSet({ store, apps, source: d.cp }, e.app, active.versions);
    apps.activate(e.app, set.keys, active.id);
    say(`${what}; deploy ${active.id} reloaded with it in ${Math.round(performance.now() - t)} ms`);
  } catch (err) {
    // The store has the new value: the next activation (or a restart) binds it.
    say(`${what}; could not reload deploy ${active.id} with it, still serving the previous values: ${(err as Error).message}`);
  }
  return true;
}
