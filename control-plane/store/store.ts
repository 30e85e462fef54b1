// The control plane's store: one LMDB environment holding apps, versions, KV, secrets, regions,
// deployments and the change log, and the artifacts as files under `<dir>/artifacts/` (older data dirs'
// LMDB `artifacts` db is still read); durable across restarts. `Store.open(dir)` is the entry point.
import { join } from "node:path";
import { ArtifactFiles } from "../../core/artifacts/files.ts";
import { largeCodeSections } from "../../runtime/component-shape.ts";
import { openDbs } from "./db.ts";
import { StoreCore } from "./core.ts";
import { AppStore } from "./apps.ts";
import { DeploymentStore } from "./deployments.ts";
import { KvStore } from "./kv.ts";
import { RegionStore } from "./regions.ts";
import { SecretStore } from "./secrets.ts";
import type { LogEntry } from "../../core/change-log.ts";

/** Recently uploaded (or read) artifacts kept in memory: the regions download an upload right after it. */
const ARTIFACT_CACHE_BYTES = 256 * 1024 * 1024;

export class Store {
  readonly core: StoreCore;
  readonly apps: AppStore;
  readonly deployments: DeploymentStore;
  readonly kv: KvStore;
  readonly regions: RegionStore;
  readonly secrets: SecretStore;
  #closed = false;

  private constructor(core: StoreCore) {
    this.core = core;
    this.apps = new AppStore(core);
    this.deployments = new DeploymentStore(core);
    this.kv = new KvStore(core);
    this.regions = new RegionStore(core);
    this.secrets = new SecretStore(core);
  }

  static open(dir: string): Store {
    const dbs = openDbs(dir);
    const artifacts = new ArtifactFiles(join(dir, "artifacts"), { legacy: dbs.artifacts, cacheBytes: ARTIFACT_CACHE_BYTES, chunker: largeCodeSections });
    return new Store(new StoreCore(dbs, artifacts));
  }

  /** The seq of the last committed log entry (0 when empty). */
  head(): number {
    return this.core.log.head();
  }

  /** Log entries with `seq >= from`, in order. */
  readLog(from: number, limit?: number): LogEntry[] {
    return this.core.log.read(from, limit);
  }

  /** Calls `listener(head)` after each commit that appended entries; returns the unsubscribe function. */
  subscribe(listener: (head: number) => void): () => void {
    return this.core.log.onAppend(listener);
  }

  /** New log entries as they commit, starting at `from` (existing ones first), until `signal` aborts. */
  async *follow(from: number, signal?: AbortSignal): AsyncGenerator<LogEntry> {
    let next = Math.max(1, from);
    while (!signal?.aborted) {
      const batch = this.readLog(next, 256);
      for (const e of batch) yield e;
      if (batch.length) {
        next = batch[batch.length - 1].seq + 1;
        continue;
      }
      await this.core.log.waitBeyond(next - 1, 60_000, signal);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Waits for pending writes and closes the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.core.close();
  }
}
