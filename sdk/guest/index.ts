// The guest shim bundled into every JS component: turns the world's exports (wasi:http
// incoming-handler, scheduled-handler, queue-handler) into calls on the author's Workers-style
// default export. Exports incoming-handler directly (not FetchEvent) so an instance serves many
// requests. A thrown exception becomes a 500 and a log line; the instance keeps serving.
import { write as log } from "outpost:edge/log@0.1.0";
import type { IncomingRequest, ResponseOutparam } from "wasi:http/types@0.2.10";
import type { Message, MessageBatch, Worker } from "../types.ts";
import { ownArrayBuffer } from "./body.ts";
import { Context, getEnv } from "./context.ts";
import { sendError, sendResponse, toRequest } from "./http.ts";
import { markLive } from "./web/host-call.ts";

function describe(err: unknown): { message: string; fields: string } {
  const e = err as Error;
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(err);
  return { message, fields: JSON.stringify(e instanceof Error && e.stack ? { stack: e.stack } : {}) };
}

function logError(where: string, err: unknown): void {
  const { message, fields } = describe(err);
  log("error", `${where}: ${message}`, fields);
}

type QueueOutcome = "ack" | "retry" | "unset";
type WitMessage = { id: string; timestamp: bigint; body: Uint8Array; contentType: string; attempts: number };

function decodeBody(m: WitMessage): unknown {
  if (m.contentType === "bytes") return ownArrayBuffer(m.body);
  const text = new TextDecoder().decode(m.body);
  return m.contentType === "text" ? text : JSON.parse(text);
}

export function serve(worker: Worker<any>) {
  const incomingHandler = {
    async handle(req: IncomingRequest, outparam: ResponseOutparam): Promise<void> {
      markLive();
      const ctx = new Context();
      let responded = false;
      try {
        if (typeof worker?.fetch !== "function") throw new Error("this app's default export has no fetch() handler");
        const response = await worker.fetch(toRequest(req), getEnv(), ctx);
        if (!(response instanceof Response)) throw new TypeError(`fetch() must return a Response, got ${response === null ? "null" : typeof response}`);
        responded = true;
        await sendResponse(response, outparam);
      } catch (err) {
        logError("fetch() threw", err);
        if (!responded) sendError(outparam, 500, "Internal Server Error\n");
      }
      if (ctx.pending.length) await ctx.settle((err) => logError("waitUntil() promise rejected", err));
    },
  };

  const scheduledHandler = {
    async handle(event: { cron: string; scheduledTime: bigint }): Promise<void> {
      markLive();
      if (typeof worker?.scheduled !== "function") throw "this app's default export has no scheduled() handler";
      const ctx = new Context();
      try {
        await worker.scheduled({ cron: event.cron, scheduledTime: Number(event.scheduledTime), type: "scheduled", noRetry() {} }, getEnv(), ctx);
      } catch (err) {
        logError("scheduled() threw", err);
        throw describe(err).message;
      } finally {
        await ctx.settle((err) => logError("waitUntil() promise rejected", err));
      }
    },
  };

  const queueHandler = {
    async handle(batch: { queue: string; messages: WitMessage[] }): Promise<QueueOutcome[]> {
      markLive();
      if (typeof worker?.queue !== "function") throw "this app's default export has no queue() handler";
      const outcomes: QueueOutcome[] = batch.messages.map(() => "unset");
      const messages: Message[] = batch.messages.map((m, i) => ({
        id: m.id, timestamp: new Date(Number(m.timestamp)), body: decodeBody(m), attempts: m.attempts,
        ack() { outcomes[i] = "ack"; },
        retry() { outcomes[i] = "retry"; },
      }));
      const mb: MessageBatch = {
        queue: batch.queue, messages,
        ackAll() { outcomes.fill("ack"); },
        retryAll() { outcomes.fill("retry"); },
      };
      const ctx = new Context();
      try {
        await worker.queue(mb, getEnv(), ctx);
      } catch (err) {
        logError("queue() threw", err);
        throw describe(err).message;
      } finally {
        await ctx.settle((err) => logError("waitUntil() promise rejected", err));
      }
      return outcomes;
    },
  };

  return { incomingHandler, scheduledHandler, queueHandler };
}
