// A region as a replica of the control plane: follows the change log from its store's appliedSeq,
// applies every entry (applier.ts), reports progress at most once a second, and says what it does
// in `sync:` lines. While the control plane is unreachable the node keeps
// serving what its store holds and the follower keeps retrying.
import { Applier } from "./applier.ts";
import type { ControlPlaneApi } from "./cp-client.ts";
import { LogFollower } from "./log-follower.ts";
import type { Deployer } from "./prepare-version.ts";
import { ProgressReporter } from "./progress.ts";
import type { RegionStore } from "../store/region-store.ts";

export interface ReplicaOptions {
  store: RegionStore;
  apps: Deployer;
  cp: ControlPlaneApi;
  /** This region's name and the URL it serves on (registered with the control plane). */
  region: { name: string; url: string };
  say(line: string): void;
}

export interface ReplicaStatus { connected: boolean; appliedSeq: number; head: number | null; lastError: string | null }

export class Replica {
  #o: ReplicaOptions;
  #follower: LogFollower;
  #applier: Applier;
  #progress: ProgressReporter;
  #status: ReplicaStatus;
  #caughtUp = false;

  constructor(o: ReplicaOptions) {
    this.#o = o;
    const { store, cp, region, say } = o;
    this.#status = { connected: false, appliedSeq: store.appliedSeq, head: null, lastError: null };
    this.#progress = new ProgressReporter((seq) => cp.progress(region.name, seq));
    const applier = (this.#applier = new Applier({ store, apps: o.apps, cp, region: region.name, say }));
    this.#follower = new LogFollower({
      cp,
      region,
      appliedSeq: () => store.appliedSeq,
      apply: async (e, ctx) => {
        await applier.apply(e, ctx);
        this.#status.appliedSeq = store.appliedSeq;
        this.#progress.update(store.appliedSeq);
      },
      onPing: (head) => { this.#status.head = head; },
      onState: (s) => {
        if (s.connected) {
          if (s.head !== undefined) this.#status.head = s.head;
          say(`sync: following the control plane's log from seq ${s.from}`);
          this.#status.lastError = null;
          this.#progress.update(store.appliedSeq);
        } else if (this.#status.connected || s.error !== this.#status.lastError) {
          say(`sync: control plane unreachable or stream broken (${s.error}); serving the last good state, retrying in ${s.retryMs} ms`);
          this.#status.lastError = s.error ?? null;
        }
        this.#status.connected = s.connected;
      },
    });
  }

  start(): void {
    this.#o.say(`sync: region ${this.#o.region.name} at seq ${this.#o.store.appliedSeq}, connecting`);
    this.#follower.start();
  }

  /**
   * Whether the region has applied, since it started, everything the control plane's log held when the
   * region first reached it: until then a route it lacks may be one it is about to get.
   */
  caughtUp(): boolean {
    const { connected, head } = this.#status;
    if (!this.#caughtUp && connected && head !== null && this.#o.store.appliedSeq >= head) this.#caughtUp = true;
    return this.#caughtUp;
  }

  status(): ReplicaStatus { return { ...this.#status, appliedSeq: this.#o.store.appliedSeq }; }

  async stop(): Promise<void> {
    this.#progress.stop();
    await this.#follower.stop();
    this.#applier.stop();
  }
}
