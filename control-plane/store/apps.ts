// Apps, their versions and artifacts, and their deploy-token digests: reads, and the mutations that upload
// a version (artifact file, then version record + `version` log entry) or delete an app (`app.delete`).
import { isDeepStrictEqual } from "node:util";
import { timingSafeEqual } from "node:crypto";
import type { StoreCore } from "./core.ts";
import { secretRange } from "./keys.ts";
import type { AppRecord, VersionRecord } from "./types.ts";
import type { Manifest } from "../../core/manifest.ts";

export function newApp(name: string, now: number): AppRecord {
  return { name, deployment: null, tokenDigests: [], createdAt: now, lastVersion: 0, pendingDeployId: null };
}

export class AppStore {
  #core: StoreCore;

  constructor(core: StoreCore) {
    this.#core = core;
  }

  get(app: string): AppRecord | undefined {
    return this.#core.dbs.apps.get(app);
  }

  list(): AppRecord[] {
    return Array.from(this.#core.dbs.apps.getRange(), (e) => e.value);
  }

  versions(app: string): VersionRecord[] {
    return Array.from(this.#core.dbs.versions.getRange({ start: [app], end: [app, Infinity] }), (e) => e.value);
  }

  version(app: string, version: number): VersionRecord | undefined {
    return this.#core.dbs.versions.get([app, version]);
  }

  /** The size of the component `sha256` when one of the app's versions has it and its bytes are stored (else null). */
  reusedSize(app: string, sha256: string): number | null {
    const v = this.versions(app).find((x) => x.sha256 === sha256);
    return v && this.#core.artifacts.has(sha256) ? v.size : null;
  }

  /** The component bytes (shared: do not change them), from the artifact files or an older data dir's LMDB. */
  artifact(sha256: string): Buffer | undefined {
    return this.#core.artifacts.get(sha256);
  }

  /** The artifact's parts file when it is stored in parts (see ArtifactFiles.partsFile). */
  artifactParts(sha256: string): Buffer | undefined {
    return this.#core.artifacts.partsFile(sha256);
  }

  /** A chunk of stored artifacts, by its sha256. */
  artifactChunk(sha256: string): Buffer | undefined {
    return this.#core.artifacts.chunk(sha256);
  }

  /** KV namespace ids named by any version of the app (what its deploy token may touch). */
  kvNamespaces(app: string): Set<string> {
    const ids = new Set<string>();
    for (const v of this.versions(app)) for (const ns of v.manifest.kvNamespaces ?? []) ids.add(ns.id);
    return ids;
  }

  /** The app whose deploy tokens include this SHA-256 digest (hex), compared in constant time. */
  findByTokenDigest(digestHex: string): string | undefined {
    const wanted = Buffer.from(digestHex, "hex");
    let found: string | undefined;
    for (const app of this.list()) {
      for (const d of app.tokenDigests) {
        const have = Buffer.from(d, "hex");
        if (have.length === wanted.length && timingSafeEqual(have, wanted)) found = app.name;
      }
    }
    return found;
  }

  /** Adds a deploy-token digest, creating the app record if needed (CP-local: not logged). */
  addTokenDigest(app: string, digestHex: string): Promise<AppRecord> {
    return this.#core.write((_append, now) => {
      const rec = this.get(app) ?? newApp(app, now);
      const next = { ...rec, tokenDigests: [...rec.tokenDigests, digestHex] };
      this.#core.dbs.apps.put(app, next);
      return next;
    });
  }

  /** Revokes every deploy token of the app; answers how many there were. */
  revokeTokens(app: string): Promise<number> {
    return this.#core.write(() => {
      const rec = this.get(app);
      if (!rec) return 0;
      this.#core.dbs.apps.put(app, { ...rec, tokenDigests: [] });
      return rec.tokenDigests.length;
    });
  }

  /**
   * Stores the artifact (once per sha256), then the next version record and its `version` entry. The
   * artifact file is durable before the transaction that names it starts, so a committed `version` entry
   * always has its bytes (a crash in between leaves only an unnamed file). Uploading the same component
   * and manifest as the latest version returns that version instead (`created: false`). `component` is a
   * number (its size) for a component this app already has a version of (reusedSize() said so): nothing
   * is stored then.
   */
  putVersion(app: string, manifest: Manifest, component: Buffer | number, sha256: string): Promise<{ record: VersionRecord; created: boolean }> {
    const dbs = this.#core.dbs;
    const size = typeof component === "number" ? component : component.length;
    const stored = typeof component === "number" ? async () => undefined : () => this.#core.artifacts.put(sha256, component);
    return this.#core.write((append, now) => {
      const rec = this.get(app) ?? newApp(app, now);
      const latest = rec.lastVersion ? this.version(app, rec.lastVersion) : undefined;
      if (latest && latest.sha256 === sha256 && isDeepStrictEqual(latest.manifest, manifest)) return { record: latest, created: false };
      const record: VersionRecord = { app, version: rec.lastVersion + 1, sha256, size, manifest, uploadedAt: now };
      dbs.versions.put([app, record.version], record);
      dbs.apps.put(app, { ...rec, lastVersion: record.version });
      append({ t: "version", app, version: record.version, sha256, size: record.size, manifest });
      return { record, created: true };
    }, stored);
  }

  /**
   * Deletes the app, its versions, its secrets and its pending deployment, and appends `app.delete`. Artifacts
   * stay (they are content-addressed and may be shared). Answers the entry's seq, or null for an unknown app.
   */
  delete(app: string): Promise<number | null> {
    const dbs = this.#core.dbs;
    return this.#core.write((append) => {
      const rec = this.get(app);
      if (!rec) return null;
      const pending = rec.pendingDeployId ? dbs.deployments.get(rec.pendingDeployId) : undefined;
      for (const v of this.versions(app)) dbs.versions.remove([app, v.version]);
      for (const { key } of dbs.secrets.getRange(secretRange(app))) if (key[0] === app) dbs.secrets.remove(key);
      dbs.apps.remove(app);
      if (pending && pending.state === "preparing") dbs.deployments.put(pending.id, { ...pending, state: "superseded", error: "the app was deleted" });
      return append({ t: "app.delete", app }).seq;
    });
  }
}
