// The shapes of the control plane's state (spec/replication.md): the records in each LMDB db. The change
// log's entries, which replicas apply, are in core/change-log.ts.
import type { Deployment, PreparePhases, VersionRef } from "../../core/change-log.ts";
import type { Manifest } from "../../core/manifest.ts";

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

export type { KvStoredEntry as KvRecord } from "../../core/kv/semantics.ts";

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

