// The region's own LMDB copy of the control plane's state (spec/replication.md): the versions it
// knows (and which it prepared), the active deployment per app, KV, the apps' secrets and `appliedSeq`;
// plus the artifacts by sha256, as files under `<path>/artifacts/` (content-addressed, written outside
// the log's transactions, not fsynced but checked at their first read; the shared engine code kept
// once as a chunk; older stores' LMDB `artifacts` db is still read). Each applied log entry
// commits together with its `appliedSeq` in one transaction, and an entry at or below `appliedSeq` is
// skipped, so applying is idempotent and survives restarts.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { ArtifactFiles } from "../../core/artifacts/files.ts";
import type { Manifest } from "../../core/manifest.ts";
import type { VersionRef } from "../replica/entries.ts";
import type { KvRecord } from "./kv-keys.ts";
import { KvStamps } from "./kv-stamps.ts";
import { largeCodeSections } from "../../runtime/component-shape.ts";

export interface StoredVersion {
  app: string;
  version: number;
  sha256: string;
  manifest: Manifest;
  /** When this region last compiled and warmed it (absent: only known from the log). */
  preparedAt?: number;
  /** Why preparing it failed (hash mismatch, compile error); it is never activated then. */
  failed?: string;
}

export interface ActiveDeployment {
  app: string;
  id: string;
  versions: VersionRef[];
  activatedAt: number;
  /** The seq of the `activate` entry. */
  seq: number;
}

/**
 * The LMDB databases of a region store; worker threads open the same env read-only (only `kv`).
 * `artifacts` is only the legacy db of older stores: artifacts are files now.
 */
export const DB = { artifacts: "artifacts", versions: "versions", apps: "apps", kv: "kv", meta: "meta", secrets: "secrets" } as const;

export class RegionStore {
  readonly path: string;
  readonly env: RootDatabase;
  /** Component bytes by sha256: files under `<path>/artifacts/`, read through to the older LMDB db. */
  readonly artifacts: ArtifactFiles;
  readonly versions: Database<StoredVersion, [string, number]>;
  readonly apps: Database<ActiveDeployment, string>;
  readonly kv: Database<KvRecord, Buffer>;
  readonly meta: Database<number, string>;
  /** [app, name] -> the secret's value (from `secret.put`; a restarted region binds them offline). */
  readonly secrets: Database<string, [string, string]>;
  /** Shared with the worker threads' KV readers. */
  readonly stamps: KvStamps;

  constructor(path: string, stamps: KvStamps = new KvStamps()) {
    mkdirSync(path, { recursive: true });
    this.path = path;
    this.stamps = stamps;
    this.env = open({ path, maxDbs: 16 });
    const legacy = this.env.openDB<Uint8Array, string>({ name: DB.artifacts, encoding: "binary" });
    // A copy of the control plane's blobs: not fsynced (a first read after a restart hashes each one; a
    // damaged one is fetched again), so a prepare does not wait for the disk.
    this.artifacts = new ArtifactFiles(join(path, "artifacts"), { legacy, sync: false, checkReads: true, chunker: largeCodeSections });
    this.versions = this.env.openDB<StoredVersion, [string, number]>({ name: DB.versions });
    this.apps = this.env.openDB<ActiveDeployment, string>({ name: DB.apps });
    this.kv = this.env.openDB<KvRecord, Buffer>({ name: DB.kv, keyEncoding: "binary" });
    this.meta = this.env.openDB<number, string>({ name: DB.meta });
    this.secrets = this.env.openDB<string, [string, string]>({ name: DB.secrets });
  }

  get appliedSeq(): number { return this.meta.get("appliedSeq") ?? 0; }

  /**
   * Runs `write` (puts and removes on this store's databases) and sets `appliedSeq = seq` in one
   * transaction, unless `seq <= appliedSeq`. Resolves true when it applied.
   */
  commit(seq: number, write: () => void = () => undefined): Promise<boolean> {
    return this.env.transaction(() => {
      const applied = this.meta.get("appliedSeq") ?? 0;
      if (seq <= applied) return false;
      write();
      this.meta.put("appliedSeq", seq);
      return true;
    });
  }

  artifact(sha256: string): Uint8Array | undefined { return this.artifacts.get(sha256); }

  /**
   * Content-addressed: written outside the log's transactions (an artifact is never rewritten), and
   * durable (file fsync, rename, directory fsync) when this resolves.
   */
  putArtifact(sha256: string, bytes: Uint8Array): Promise<void> { return this.artifacts.put(sha256, bytes); }

  version(app: string, version: number): StoredVersion | undefined { return this.versions.get([app, version]); }

  versionsOf(app: string): StoredVersion[] {
    return [...this.versions.getRange({ start: [app], end: [app, Number.MAX_SAFE_INTEGER] })].map((e) => e.value).filter((v) => v.app === app);
  }

  active(app: string): ActiveDeployment | undefined { return this.apps.get(app); }

  /** The app's secret values by name. */
  secretsOf(app: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { key, value } of this.secrets.getRange({ start: [app], end: [app, "\uffff"] })) if (key[0] === app) out[key[1]] = value;
    return out;
  }

  /** The seq of the app's last secret change (0: none); it names the loaded form of its versions. */
  secretsGen(app: string): number { return this.meta.get(`secrets:${app}`) ?? 0; }

  activeDeployments(): ActiveDeployment[] { return [...this.apps.getRange()].map((e) => e.value); }

  /** Artifacts no stored version refers to (after an app is deleted). */
  orphanArtifacts(): string[] {
    const used = new Set([...this.versions.getRange()].map((e) => e.value.sha256));
    return this.artifacts.keys().filter((sha) => !used.has(sha));
  }

  async close(): Promise<void> {
    await this.artifacts.settled();
    await this.env.close();
  }
}
