// A minimal region for tests: follows the real log stream with the real follower, keeps appliedSeq,
// and on `prepare` fetches each artifact, verifies its sha256 and acks (ok or refused) through the API.
// `serveEvents` also answers `POST /_outpost/events` (spec/events.md) on a real HTTP server.
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { pack, unpack } from "msgpackr";
import type { AppEvent, EventResult } from "../runtime/events.ts";
import { followLog, type LogFollower } from "./log-follower.ts";
import type { LogEntry, LogFrame } from "../core/change-log.ts";
import { call } from "./http.ts";
import { REGION } from "./tokens.ts";
import { listen } from "./listen.ts";

export interface FakeRegionOptions {
  /** Hold acks until `release()` (to observe a deployment waiting). */
  holdAcks?: boolean;
  /** Never ack (to exercise the deadline). */
  silent?: boolean;
  /** Pretend every artifact arrives corrupted. */
  corrupt?: boolean;
  from?: number;
}

/** What a fake region does with an event: an EventResult (200), or another status with a JSON error. */
export type EventHandler = (app: string, event: AppEvent) => EventResult | { status: number; error: string } | Promise<EventResult | { status: number; error: string }>;

export class FakeRegion {
  readonly name: string;
  readonly entries: LogEntry[] = [];
  readonly pings: number[] = [];
  appliedSeq = 0;
  connected = false;
  #follower: LogFollower;
  #held: (() => Promise<void>)[] = [];
  #options: FakeRegionOptions;
  #base: string;
  #server: Server | null = null;
  /** Every event received on `/_outpost/events`, in arrival order. */
  readonly events: { app: string; event: AppEvent; at: number }[] = [];

  constructor(base: string, name: string, options: FakeRegionOptions = {}) {
    this.name = name;
    this.#base = base;
    this.#options = options;
    if (options.from) this.appliedSeq = options.from - 1;
    this.#follower = followLog({
      url: base,
      token: REGION,
      region: name,
      from: () => this.appliedSeq + 1,
      onState: (s) => (this.connected = s === "connected"),
      onFrame: (f) => this.#apply(f),
      initialBackoffMs: 20,
      maxBackoffMs: 200,
    });
  }

  async #apply(frame: LogFrame): Promise<void> {
    if (frame.t === "ping") {
      this.pings.push(frame.head);
      return;
    }
    if (frame.seq <= this.appliedSeq) return;
    this.entries.push(frame);
    this.appliedSeq = frame.seq;
    if (frame.t === "prepare" && !this.#options.silent) {
      const ack = async () => {
        const started = Date.now();
        for (const v of frame.versions) {
          const res = await call(this.#base, "GET", `/v1/artifacts/${v.sha256}`, { token: REGION });
          const bytes = this.#options.corrupt ? Buffer.concat([res.bytes, Buffer.from("x")]) : res.bytes;
          const sha = createHash("sha256").update(bytes).digest("hex");
          if (sha !== v.sha256) {
            await call(this.#base, "POST", `/v1/deployments/${frame.deployId}/acks`, {
              token: REGION,
              json: { region: this.name, ok: false, error: `sha256 mismatch: got ${sha}, expected ${v.sha256}`, ms: Date.now() - started },
            });
            return;
          }
        }
        await call(this.#base, "POST", `/v1/deployments/${frame.deployId}/acks`, { token: REGION, json: { region: this.name, ok: true, ms: Date.now() - started } });
      };
      if (this.#options.holdAcks) this.#held.push(ack);
      else void ack();
    }
  }

  /** Sends the acks held so far. */
  async release(): Promise<void> {
    const held = this.#held.splice(0);
    for (const ack of held) await ack();
  }

  async register(url: string = "http://127.0.0.1:9"): Promise<void> {
    await call(this.#base, "POST", "/v1/regions", { token: REGION, json: { name: this.name, url } });
  }

  async progress(): Promise<void> {
    await call(this.#base, "POST", `/v1/regions/${this.name}/progress`, { token: REGION, json: { appliedSeq: this.appliedSeq } });
  }

  /** Answers `POST /_outpost/events` with `handler` on a free port and registers that URL. */
  async serveEvents(handler: EventHandler): Promise<string> {
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const reply = (status: number, type: string, body: Buffer | string) => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
      };
      if (req.method !== "POST" || req.url !== "/_outpost/events") return reply(404, "application/json", JSON.stringify({ error: "not_found" }));
      if (req.headers.authorization !== `Bearer ${REGION}`) return reply(401, "application/json", JSON.stringify({ error: "unauthorized" }));
      const { app, event } = unpack(Buffer.concat(chunks)) as { app: string; event: AppEvent };
      this.events.push({ app, event, at: Date.now() });
      const out = await handler(app, event);
      if ("status" in out) return reply(out.status, "application/json", JSON.stringify({ error: out.error }));
      reply(200, "application/x-msgpack", pack(out));
    });
    const { url } = await listen(server);
    this.#server = server;
    await this.register(url);
    return url;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    return this.#follower.stop();
  }
}
