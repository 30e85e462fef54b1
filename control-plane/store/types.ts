// The shapes of the control plane's state and of the change log (spec/replication.md): the records in each
// LMDB db and every log entry a replica applies. Edge replicas import these types.
import type { Manifest } from "../../sdk/build/manifest.ts";

export type { Manifest };

/** One version of a deployment: which upload, and the share of requests it gets. */
export interface VersionRef {
  version: number;
  sha256: string;
  percent: number;
}

/** A version as `prepare` carries it: the replica needs the manifest to compile, warm and route it. */
export interface PreparedVersion extends VersionRef {
  manifest: Manifest;
}

/** The deployment an app serves (`apps[app].deployment`). Percents sum to 100. */
export interface Deployment {
  id: string;
  versions: VersionRef[];
  activatedAt: number;
}

export interface VersionRecord {
  app: string;
  version: number;
  sha256: string;
  size: number;
  manifest: Manifest;
  uploadedAt: number;
}

export interface AppRecord {
  name: string;
  deployment: Deployment | null;
  tokenDigests: string[];
  createdAt: number;
  /** Highest version number handed out (versions count from 1). */
  lastVersion: number;
  /** The deployment being prepared, if any; a newer one supersedes it. */
  pendingDeployId: string | null;
}

export type { KvStoredEntry as KvRecord } from "../kv/semantics.ts";

/** One secret of an app (`secrets` db). The value never leaves the CP except on the log stream. */
export interface SecretRecord {
  app: string;
  name: string;
  value: string;
  createdAt: number;
  updatedAt: number;
  /** The seq of the entry that last set it. */
  seq: number;
}

export interface RegionRecord {
  name: string;
  url: string;
  registeredAt: number;
  lastSeen: number;
  appliedSeq: number;
}

/** A region's prepare, phase by phase (ms, summed over the deployment's versions). */
export interface PreparePhases {
  /** Downloading the artifact from the CP (0 when the region had it). */
  fetchMs: number;
  /** Checking its SHA-256 and writing it to the region store. */
  verifyMs: number;
  /** Transpiling (cached by content hash) and compiling its core modules with the memory limit applied. */
  compileMs: number;
  /** Loading it on a runtime thread and serving the warm-up request. */
  warmMs: number;
  /** Of the phases above, the time spent before the `prepare` arrived (prepared ahead at the `version` entry). */
  aheadMs?: number;
}

export type RegionDeployState = "pending" | "prepared" | "failed" | "active";

export interface RegionDeployRecord {
  state: "prepared" | "failed";
  /** The replica's own prepare time (fetch + verify + compile + warm), as it reported it. */
  ms?: number;
  /** How the replica's prepare time splits into phases, as it reported it. */
  phases?: PreparePhases;
  error?: string;
  /** When the CP received the ack. */
  ackAt: number;
  /** When the region reported an appliedSeq at or past the activate entry. */
  activeAt?: number;
}

export type DeploymentState = "preparing" | "active" | "failed" | "superseded";

/** CP-local bookkeeping of one deployment (`deployments` db; not replicated). */
export interface DeploymentRecord {
  id: string;
  app: string;
  kind: "deploy" | "rollback";
  versions: VersionRef[];
  state: DeploymentState;
  createdAt: number;
  deadlineAt: number;
  prepareSeq: number;
  activateSeq?: number;
  activatedAt?: number;
  /** Why it failed or was superseded. */
  error?: string;
  /** Live regions that had not acked when the deadline activated it. */
  timedOut?: string[];
  regions: Record<string, RegionDeployRecord>;
}

interface Stamp {
  seq: number;
  /** Milliseconds since the epoch, when the CP appended the entry. */
  ts: number;
}

export interface VersionEntry extends Stamp {
  t: "version";
  app: string;
  version: number;
  sha256: string;
  size: number;
  manifest: Manifest;
}

export interface PrepareEntry extends Stamp {
  t: "prepare";
  app: string;
  deployId: string;
  versions: PreparedVersion[];
}

export interface ActivateEntry extends Stamp {
  t: "activate";
  app: string;
  deployId: string;
  versions: VersionRef[];
}

export interface KvPutEntry extends Stamp {
  t: "kv.put";
  namespace: string;
  key: string;
  value: Uint8Array;
  /** Serialized JSON. */
  metadata?: string;
  /** Seconds since the epoch. */
  expiration?: number;
}

export interface KvDeleteEntry extends Stamp {
  t: "kv.delete";
  namespace: string;
  key: string;
}

export interface AppDeleteEntry extends Stamp {
  t: "app.delete";
  app: string;
}

/** A secret set or changed. Carries the value in clear text: the log stream is region-token only. */
export interface SecretPutEntry extends Stamp {
  t: "secret.put";
  app: string;
  name: string;
  value: string;
}

export interface SecretDeleteEntry extends Stamp {
  t: "secret.delete";
  app: string;
  name: string;
}

export type LogEntry = VersionEntry | PrepareEntry | ActivateEntry | KvPutEntry | KvDeleteEntry | AppDeleteEntry | SecretPutEntry | SecretDeleteEntry;

/** A log entry before the log stamps it. */
export type NewLogEntry = LogEntry extends infer E ? (E extends LogEntry ? Omit<E, "seq" | "ts"> : never) : never;

/** Sent on the log stream every few seconds while idle. */
export interface PingFrame {
  t: "ping";
  head: number;
}

/** What `GET /v1/log` streams: concatenated msgpack values, each one of these. */
export type LogFrame = LogEntry | PingFrame;
