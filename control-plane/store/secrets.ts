// An app's secrets (`secrets` db, key [app, name]): set, list (names and times, never values), delete.
// Every change appends `secret.put` / `secret.delete` in its transaction, so it reaches every region
// (which binds the values) through the log; an app's secrets go with `app.delete` (apps.ts).
import type { StoreCore } from "./core.ts";
import { newApp } from "./apps.ts";
import { secretRange } from "./keys.ts";
import type { SecretRecord } from "./types.ts";

export interface SecretSummary { name: string; createdAt: number; updatedAt: number }

export class SecretStore {
  #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  /** Names and times, in name order; never the values. */
  list(app: string): SecretSummary[] {
    return this.#records(app).map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt }));
  }

  #records(app: string): SecretRecord[] {
    return Array.from(this.#core.dbs.secrets.getRange(secretRange(app)), (e) => e.value).filter((r) => r.app === app);
  }

  /** Sets a (validated) secret, creating the app record if needed; answers the summary and the entry's seq. */
  put(app: string, name: string, value: string): Promise<SecretSummary & { seq: number; created: boolean }> {
    const dbs = this.#core.dbs;
    return this.#core.write((append, now) => {
      if (!dbs.apps.doesExist(app)) dbs.apps.put(app, newApp(app, now));
      const old = dbs.secrets.get([app, name]);
      const seq = append({ t: "secret.put", app, name, value }).seq;
      const rec: SecretRecord = { app, name, value, createdAt: old?.createdAt ?? now, updatedAt: now, seq };
      dbs.secrets.put([app, name], rec);
      return { name, createdAt: rec.createdAt, updatedAt: now, seq, created: !old };
    });
  }

  /** Removes a secret and appends `secret.delete`; answers the seq, or null when the app has no such secret. */
  delete(app: string, name: string): Promise<number | null> {
    const dbs = this.#core.dbs;
    return this.#core.write((append) => {
      if (!dbs.secrets.doesExist([app, name])) return null;
      dbs.secrets.remove([app, name]);
      return append({ t: "secret.delete", app, name }).seq;
    });
  }
}
