// The change log's entries (spec/replication.md): what the control plane appends and streams, and every
// entry a replica applies, with the versions and deployments they carry and the phases a replica reports.
import type { Manifest } from "./manifest.ts";

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
