// Which regions are live: a region is live while it holds at least one open log stream
// (`GET /v1/log?region=<name>`). Deployments wait for the acks of live regions only.
import { EventEmitter } from "node:events";

export class LiveRegions {
  #open = new Map<string, number>();
  #events = new EventEmitter();

  /** A stream of `region` opened; returns the function that marks it closed (idempotent). */
  open(region: string): () => void {
    this.#open.set(region, (this.#open.get(region) ?? 0) + 1);
    this.#events.emit("change", region, true);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const n = (this.#open.get(region) ?? 1) - 1;
      if (n > 0) this.#open.set(region, n);
      else this.#open.delete(region);
      this.#events.emit("change", region, n > 0);
    };
  }

  isLive(region: string): boolean {
    return this.#open.has(region);
  }

  names(): string[] {
    return [...this.#open.keys()].sort();
  }

  onChange(listener: (region: string, live: boolean) => void): () => void {
    this.#events.on("change", listener);
    return () => this.#events.off("change", listener);
  }
}
