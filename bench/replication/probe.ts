// Watches every region for a change: each region is polled on its own keep-alive connection, one
// request at a time (a pause of --poll-ms after an answer that does not show the change yet), and the
// moment the first answer showing it was read is recorded. The change happened between that
// request's send and then, so the resolution is one round trip plus the pause.
import { Client } from "undici";

export type Shows = (status: number, text: string) => boolean;

export class Probe {
  readonly names: string[];
  #clients: Map<string, Client>;
  #pollMs: number;

  /** `regions`: name → base URL. */
  constructor(regions: Record<string, string>, pollMs: number) {
    this.names = Object.keys(regions);
    this.#clients = new Map(Object.entries(regions).map(([name, url]) => [name, new Client(url, { pipelining: 1, keepAliveTimeout: 60_000 })]));
    this.#pollMs = pollMs;
  }

  /**
   * Per region, the `performance.now()` at which `GET path` first answered something `shows` accepts.
   * Rejects after `timeoutMs` naming the regions that never showed it (and what they last answered).
   */
  async firstSeen(path: string, shows: Shows, timeoutMs: number): Promise<Record<string, number>> {
    const deadline = performance.now() + timeoutMs;
    const entries = await Promise.all(this.names.map(async (name) => {
      const client = this.#clients.get(name)!;
      let last = "nothing yet";
      while (performance.now() < deadline) {
        try {
          const res = await client.request({ method: "GET", path, headersTimeout: 10_000, bodyTimeout: 10_000 });
          const text = await res.body.text();
          if (shows(res.statusCode, text)) return [name, performance.now()] as const;
          last = `${res.statusCode} ${text.slice(0, 200)}`;
        } catch (err) {
          last = (err as Error).message;
        }
        if (this.#pollMs > 0) await new Promise((r) => setTimeout(r, this.#pollMs));
      }
      throw new Error(`region ${name} did not show the change on GET ${path} within ${timeoutMs} ms (last answer: ${last})`);
    }));
    return Object.fromEntries(entries);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((c) => c.close()));
  }
}
