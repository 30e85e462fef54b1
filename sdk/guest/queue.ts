// The queue producer binding on `env` (Workers Queues' API) over outpost:edge/queue.
import * as queue from "outpost:edge/queue@0.1.0";
import type { Queue, QueueContentType } from "../types.ts";

const encoder = new TextEncoder();

function encode(body: unknown, contentType: QueueContentType = "json"): queue.MessageBody {
  switch (contentType) {
    case "text": return { body: encoder.encode(String(body)), contentType };
    case "bytes": {
      if (body instanceof ArrayBuffer) return { body: new Uint8Array(body), contentType };
      if (ArrayBuffer.isView(body)) return { body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), contentType };
      throw new TypeError("a queue message with contentType \"bytes\" needs an ArrayBuffer or view body");
    }
    case "json":
    case "v8": // no structured clone across the boundary: JSON is the portable subset
      return { body: encoder.encode(JSON.stringify(body)), contentType: "json" };
  }
}

function rethrow(err: unknown): never {
  const p = (err as { payload?: unknown })?.payload;
  throw typeof p === "string" ? new Error(p) : err;
}

export function queueProducer(binding: string): Queue {
  return {
    async send(body, options = {}) {
      const m = encode(body, options.contentType);
      try { queue.send(binding, { ...m, delaySeconds: options.delaySeconds }); } catch (err) { rethrow(err); }
    },
    async sendBatch(messages) {
      const list = [...messages].map((m) => ({ ...encode(m.body, m.contentType), delaySeconds: m.delaySeconds }));
      try { queue.sendBatch(binding, list); } catch (err) { rethrow(err); }
    },
  };
}
