// The deploy protocol's CP side: append `prepare`, collect acks, then append `activate` once every live
// region has acked ok (at once when none is live), or at the deadline; a refused artifact fails the
// deployment. Also notes when each region reports having applied the activation.
import { EventEmitter } from "node:events";
import type { Store } from "../store/store.ts";
import type { PrepareResult } from "../store/deployments.ts";
import type { DeploymentRecord } from "../store/types.ts";
import type { LiveRegions } from "./live-regions.ts";

export interface CoordinatorOptions {
  /** How long a deployment waits for acks before activating with the regions that did (default 30 s). */
  deadlineMs?: number;
}

const RECENT_MS = 10 * 60_000;

export class DeployCoordinator {
  #store: Store;
  #live: LiveRegions;
  readonly defaultDeadlineMs: number;
  #timers = new Map<string, NodeJS.Timeout>();
  /** Preparing deployments found at start-up: an empty live set then means "not reconnected yet". */
  #resumed = new Set<string>();
  /** Activated deployments whose regions' activation times are still being noted. */
  #recent = new Map<string, { activateSeq: number; until: number }>();
  #events = new EventEmitter();
  #offLive: () => void;
  #closed = false;
  /** Evaluations started by timers and region changes; `close` waits for them. */
  #background = new Set<Promise<void>>();

  constructor(store: Store, live: LiveRegions, options: CoordinatorOptions = {}) {
    this.#store = store;
    this.#live = live;
    this.defaultDeadlineMs = options.deadlineMs ?? 30_000;
    this.#events.setMaxListeners(0);
    this.#offLive = live.onChange(() => {
      for (const id of this.#timers.keys()) this.#inBackground(this.#evaluate(id));
    });
  }

  /** Picks up deployments left preparing by a previous process. */
  resume(): void {
    for (const d of this.#store.deployments.preparing()) {
      this.#resumed.add(d.id);
      this.#schedule(d);
    }
  }

  async deploy(app: string, versions: { version: number; percent: number }[], kind: DeploymentRecord["kind"], deadlineMs?: number): Promise<PrepareResult> {
    const result = await this.#store.deployments.prepare(app, kind, versions, deadlineMs ?? this.defaultDeadlineMs);
    if (!result.ok) return result;
    if (result.superseded) this.#settle(result.superseded);
    this.#schedule(result.deployment);
    await this.#evaluate(result.deployment.id);
    return { ...result, deployment: this.#store.deployments.get(result.deployment.id) ?? result.deployment };
  }

  /** Records a region's ack and re-evaluates; null for an unknown deployment. */
  async ack(id: string, region: string, ack: { ok: boolean; error?: string; ms?: number }): Promise<DeploymentRecord | null> {
    const d = await this.#store.deployments.recordAck(id, region, ack);
    if (d && d.state === "preparing") await this.#evaluate(id);
    return this.#store.deployments.get(id) ?? null;
  }

  /** The deployment once it is no longer preparing, or as it stands after `timeoutMs`. */
  settled(id: string, timeoutMs: number): Promise<DeploymentRecord | undefined> {
    const now = this.#store.deployments.get(id);
    if (!now || now.state !== "preparing") return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#events.off(id, done);
        resolve(this.#store.deployments.get(id));
      };
      const timer = setTimeout(done, timeoutMs);
      this.#events.on(id, done);
    });
  }

  /** A region reported its applied seq: note which recent activations it now serves. */
  async progress(region: string, appliedSeq: number): Promise<void> {
    const now = Date.now();
    for (const [id, r] of this.#recent) {
      if (r.until < now) this.#recent.delete(id);
      else if (appliedSeq >= r.activateSeq) await this.#store.deployments.markRegionActive(id, region, now);
    }
  }

  /** Stops timers and waits for evaluations already writing, so the store can close after it. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#offLive();
    await Promise.allSettled([...this.#background]);
  }

  #schedule(d: DeploymentRecord): void {
    const wait = Math.max(0, d.deadlineAt - Date.now());
    this.#timers.set(d.id, setTimeout(() => this.#inBackground(this.#evaluate(d.id, true)), wait));
  }

  /** A background evaluation that failed is logged; the next region change, ack or restart re-evaluates it. */
  #inBackground(run: Promise<void>): void {
    const tracked = run.catch((e: Error) => {
      if (!this.#closed) console.error(`control plane: evaluating a deployment failed: ${e.message}`);
    });
    this.#background.add(tracked);
    void tracked.finally(() => this.#background.delete(tracked));
  }

  #settle(id: string): void {
    if (this.#closed) return;
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.#resumed.delete(id);
    const d = this.#store.deployments.get(id);
    if (d?.state === "active" && d.activateSeq !== undefined) this.#recent.set(id, { activateSeq: d.activateSeq, until: Date.now() + RECENT_MS });
    this.#events.emit(id);
  }

  async #evaluate(id: string, deadline: boolean = false): Promise<void> {
    if (this.#closed || this.#store.closed) return;
    const d = this.#store.deployments.get(id);
    if (!d || d.state !== "preparing") {
      this.#settle(id);
      return;
    }
    const refused = Object.entries(d.regions).filter(([, r]) => r.state === "failed");
    if (refused.length) {
      const why = refused.map(([name, r]) => `region '${name}' refused it: ${r.error ?? "no reason given"}`).join("; ");
      if (this.#closed) return;
      await this.#store.deployments.fail(id, why);
      this.#settle(id);
      return;
    }
    const live = this.#live.names();
    const waiting = live.filter((name) => d.regions[name]?.state !== "prepared");
    const ready = live.length > 0 ? waiting.length === 0 : !this.#resumed.has(id);
    if (!ready && !deadline) return;
    if (this.#closed) return;
    await this.#store.deployments.activate(id, deadline ? waiting : []);
    this.#settle(id);
  }
}
