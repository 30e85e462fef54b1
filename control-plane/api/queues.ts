// Routes for durable queues (spec/events.md): send messages (region token: regions forward their guests'
// sends; or the admin token), answered 202 once committed; list the queues with their depth and consumer;
// peek at a queue's messages without consuming them (bodies base64), e.g. to inspect a dead-letter queue.
import type { IRequest } from "itty-router";
import { requireAdmin, requireRegion } from "../auth.ts";
import { isMsgpack, MiB, readObject } from "../http/body.ts";
import { json } from "../http/errors.ts";
import { activeApps } from "../events/active-apps.ts";
import { producersOf } from "../events/consumers.ts";
import { checkQueueName, parseSend } from "../events/queue-rules.ts";
import { messageState } from "../events/types.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { limitQuery, rawParam } from "./params.ts";

/** Room for 256 KB of bodies with JSON escapes or msgpack framing; the 256 KB rule itself is checked after. */
const BODY_LIMIT = 2 * MiB;

export function queueRoutes(router: ApiRouter, ctx: ApiContext): void {
  const { queues, dispatcher } = ctx.events;

  router.post("/v1/queues/:queue/messages", async (request: IRequest) => {
    requireRegion(ctx.auth.authenticate(request), "sending queue messages");
    const queue = checkQueueName(rawParam(request, "queue"));
    const body = await readObject(request, BODY_LIMIT, "the messages");
    const messages = parseSend(body, isMsgpack(request));
    const ids = await queues.send(queue, messages);
    dispatcher.wake();
    return json({ queue, ids }, 202);
  });

  router.get("/v1/queues", (request: IRequest) => {
    requireAdmin(ctx.auth.authenticate(request), "listing queues");
    const producers = new Map<string, string[]>();
    for (const a of activeApps(ctx.store)) for (const q of producersOf(a.manifest)) producers.set(q, [...(producers.get(q) ?? []), a.app]);
    const names = new Set([...queues.queues(), ...dispatcher.consumers().map((c) => c.queue), ...producers.keys()]);
    const now = Date.now();
    const list = [...names].sort().map((name) => {
      const c = dispatcher.consumer(name);
      const consumer = c && { app: c.app, maxBatchSize: c.maxBatchSize, maxBatchTimeout: c.maxBatchTimeout, maxRetries: c.maxRetries, deadLetterQueue: c.deadLetterQueue };
      return { name, ...queues.depth(name, now), consumer: consumer ?? null, producers: [...new Set(producers.get(name) ?? [])].sort() };
    });
    return json({ queues: list });
  });

  router.get("/v1/queues/:queue/messages", (request: IRequest) => {
    requireAdmin(ctx.auth.authenticate(request), "reading queue messages");
    const queue = checkQueueName(rawParam(request, "queue"));
    const limit = limitQuery(request);
    const now = Date.now();
    const messages = queues.peek(queue, limit).map((m) => ({
      id: m.id, timestamp: m.timestamp, contentType: m.contentType, attempts: m.attempts, state: messageState(m, now), visibleAt: m.visibleAt,
      body: Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength).toString("base64"),
    }));
    return json({ queue, ...queues.depth(queue, now), messages });
  });
}
