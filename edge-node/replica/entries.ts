// The change-log entries a replica applies: their shapes are shared with the control plane
// (core/change-log.ts, per spec/replication.md); here are the guards a replica runs on
// each decoded msgpack value of the stream, and the pool key of a replicated version.
import type { LogEntry, PingFrame } from "../../core/change-log.ts";

export type { ActivateEntry, AppDeleteEntry, KvDeleteEntry, KvPutEntry, LogEntry, PingFrame, PreparePhases, PrepareEntry, PreparedVersion, SecretDeleteEntry, SecretPutEntry, VersionEntry, VersionRef } from "../../core/change-log.ts";
export type KvEntry = Extract<LogEntry, { t: "kv.put" | "kv.delete" }>;

export function isPing(v: unknown): v is PingFrame {
  return typeof v === "object" && v !== null && (v as { t?: unknown }).t === "ping";
}

/** A decoded value with a seq: a log entry (possibly of a kind this replica does not know). */
export function hasSeq(v: unknown): v is { seq: number; t: string } {
  if (typeof v !== "object" || v === null) return false;
  const e = v as { t?: unknown; seq?: unknown };
  return typeof e.t === "string" && Number.isSafeInteger(e.seq) && (e.seq as number) >= 1;
}

/**
 * The pool's version label of one version of a replicated app: `3`, or `3+s17` once the app's secrets
 * changed (17: the seq of the last change), so a secret change loads the version again under a new key
 * while requests on the old one finish.
 */
export function versionLabel(version: number, secretsGen: number = 0): string {
  return secretsGen ? `${version}+s${secretsGen}` : String(version);
}

/** The pool key of one version of a replicated app (see versionLabel). */
export function versionKey(app: string, version: number, secretsGen: number = 0): string {
  return `${app}@${versionLabel(version, secretsGen)}`;
}
