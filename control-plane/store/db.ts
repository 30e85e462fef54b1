// Opens the control plane's LMDB environment and its named dbs (the table in spec/replication.md, plus
// the CP-local `deployments` db), with the key and value encoding of each. Artifacts are files
// (core/artifacts/files.ts); the `artifacts` db stays open for data dirs written by older versions.
import { mkdirSync } from "node:fs";
import { open, type Database, type RootDatabase } from "lmdb";
import type { KvStoredEntry } from "../../core/kv/semantics.ts";
import type { FiringRecord, StoredMessage } from "../events/types.ts";
import type { AppRecord, DeploymentRecord, RegionRecord, SecretRecord, VersionRecord } from "./types.ts";

export interface Dbs {
  env: RootDatabase;
  /**
   * sha256 hex -> component bytes, as older versions stored them: now only read (and removed) through
   * ArtifactFiles, which keeps new artifacts as files under `<dir>/artifacts/`.
   */
  artifacts: Database<Buffer, string>;
  /** [app, n] -> version record (ordered: an app's versions are contiguous and numeric). */
  versions: Database<VersionRecord, [string, number]>;
  /** app -> app record. */
  apps: Database<AppRecord, string>;
  /** utf8(namespace) 0x00 utf8(key) -> entry (raw byte keys, so a list is in UTF-8 byte order). */
  kv: Database<KvStoredEntry, Uint8Array>;
  /** seq (uint32) -> one msgpack-encoded log entry, exactly the bytes the log stream sends. */
  log: Database<Buffer, number>;
  /** region name -> region record. */
  regions: Database<RegionRecord, string>;
  /** deployId -> deployment bookkeeping (CP-local, not replicated). */
  deployments: Database<DeploymentRecord, string>;
  /** [queue, visibleAt, id] -> queue message (CP-local; spec/events.md). */
  queueMessages: Database<StoredMessage, [string, number, string]>;
  /** [app, scheduledTime, cron] -> cron firing (CP-local; spec/events.md). */
  cronFirings: Database<FiringRecord, [string, number, string]>;
  /** [app, name] -> secret (value included; never listed by the API). */
  secrets: Database<SecretRecord, [string, string]>;
}

export function openDbs(path: string): Dbs {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  const env = open({ path, maxDbs: 12 });
  return {
    env,
    artifacts: env.openDB<Buffer, string>({ name: "artifacts", encoding: "binary" }),
    versions: env.openDB<VersionRecord, [string, number]>({ name: "versions", encoding: "msgpack" }),
    apps: env.openDB<AppRecord, string>({ name: "apps", encoding: "msgpack" }),
    kv: env.openDB<KvStoredEntry, Uint8Array>({ name: "kv", encoding: "msgpack", keyEncoding: "binary" }),
    log: env.openDB<Buffer, number>({ name: "log", encoding: "binary", keyEncoding: "uint32" }),
    regions: env.openDB<RegionRecord, string>({ name: "regions", encoding: "msgpack" }),
    deployments: env.openDB<DeploymentRecord, string>({ name: "deployments", encoding: "msgpack" }),
    queueMessages: env.openDB<StoredMessage, [string, number, string]>({ name: "queue-messages", encoding: "msgpack" }),
    cronFirings: env.openDB<FiringRecord, [string, number, string]>({ name: "cron-firings", encoding: "msgpack" }),
    secrets: env.openDB<SecretRecord, [string, string]>({ name: "secrets", encoding: "msgpack" }),
  };
}
