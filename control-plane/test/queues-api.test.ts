// The queue API on a real control plane: who may send, every limit refused with a 400 naming it (and
// nothing stored), msgpack bytes kept exactly, the queue list with depth and consumer, peeking (base64),
// and a second consumer of one queue refused at deploy time (409).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { pack } from "msgpackr";
import { call } from "../../testkit/http.ts";
import { removeDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";
import { deployEvents, sendText, startEventsCp, type TestCp } from "../../testkit/events.ts";

let cp: TestCp;

test.before(async () => {
  cp = await startEventsCp();
});

test.after(async () => {
  await cp.close();
  removeDir(cp.dataDir);
});

test("sending needs the region or admin token; it answers 202 with ids after the commit", async () => {
  assert.is((await sendText(cp.url, "auth-q", ["x"], {}, "nope")).status, 401);
  const token = (await call(cp.url, "POST", "/v1/apps/tok/tokens")).body.token;
  const denied = await sendText(cp.url, "auth-q", ["x"], {}, token);
  assert.is(denied.status, 403);
  assert.match(denied.body.message, "region token");
  const viaRegion = await sendText(cp.url, "auth-q", ["a", "b"], {}, REGION);
  assert.is(viaRegion.status, 202);
  assert.is(viaRegion.body.ids.length, 2);
  assert.is((await sendText(cp.url, "auth-q", ["c"])).status, 202);
  assert.is(cp.events.queues.depth("auth-q").ready, 3);
});

test("each limit is a 400 naming the field and the limit, and nothing is stored", async () => {
  const cases: [string, () => Promise<{ status: number; body: any }>, string, string][] = [
    ["name", () => sendText(cp.url, "x".repeat(64), ["a"]), "invalid_queue_name", "1-63 lowercase letters"],
    ["name chars", () => sendText(cp.url, "a.b", ["a"]), "invalid_queue_name", "'a.b'"],
    ["count", () => sendText(cp.url, "lim", Array.from({ length: 101 }, () => "a")), "too_many_messages", "100 per request"],
    ["size", () => sendText(cp.url, "lim", ["x".repeat(128 * 1024 + 1)]), "message_too_large", "messages[0].body"],
    ["total", () => sendText(cp.url, "lim", ["x".repeat(100_000), "x".repeat(100_000), "x".repeat(100_000)]), "request_too_large", "256 KB"],
    ["delay", () => sendText(cp.url, "lim", ["a"], { delaySeconds: 43_201 }), "invalid_delay", "0 to 43200"],
    ["type", () => sendText(cp.url, "lim", ["a"], { contentType: "v8" }), "invalid_content_type", "json, text, bytes"],
    ["json body", () => sendText(cp.url, "lim", ["{"], { contentType: "json" }), "invalid_body", "not valid JSON"],
    ["no messages", () => call(cp.url, "POST", "/v1/queues/lim/messages", { json: {} }), "bad_request", "field 'messages'"],
  ];
  for (const [what, send, code, text] of cases) {
    const res = await send();
    assert.is(res.status, 400, what);
    assert.is(res.body.error, code, what);
    assert.match(res.body.message, text, what);
  }
  assert.equal(cp.events.queues.depth("lim"), { ready: 0, delayed: 0, inFlight: 0 });
});

test("msgpack bodies are bytes, kept exactly; peek shows them base64 without consuming", async () => {
  const bytes = Buffer.from([0, 1, 2, 254, 255]);
  const res = await call(cp.url, "POST", "/v1/queues/bin/messages", { msgpack: { messages: [{ body: bytes, contentType: "bytes" }, { body: Buffer.from("t"), contentType: "text", delaySeconds: 30 }] } });
  assert.is(res.status, 202);
  const wrong = await call(cp.url, "POST", "/v1/queues/bin/messages", { body: pack({ messages: [{ body: "str", contentType: "text" }] }), headers: { "content-type": "application/x-msgpack" } });
  assert.is(wrong.status, 400);
  for (let i = 0; i < 2; i++) {
    const peek = await call(cp.url, "GET", "/v1/queues/bin/messages?limit=5");
    assert.is(peek.status, 200);
    assert.equal(peek.body.messages.map((m: { body: string }) => Buffer.from(m.body, "base64")), [bytes, Buffer.from("t")]);
    assert.equal(peek.body.messages.map((m: { state: string }) => m.state), ["ready", "delayed"]);
    assert.is(peek.body.messages[0].id, res.body.ids[0]);
  }
  assert.is((await call(cp.url, "GET", "/v1/queues/bin/messages?limit=0")).status, 400);
  assert.is((await call(cp.url, "GET", "/v1/queues/bin/messages", { token: REGION })).status, 403);
  assert.equal((await call(cp.url, "GET", "/v1/queues/empty/messages")).body.messages, []);
});

test("GET /v1/queues: every queue with depth and its consumer app", async () => {
  await deployEvents(cp.url, "worker", { consumers: [{ queue: "work", maxBatchSize: 5, deadLetterQueue: "work-dlq" }] });
  await sendText(cp.url, "work", ["1", "2"]);
  await sendText(cp.url, "work", ["3"], { delaySeconds: 60 });
  const res = await call(cp.url, "GET", "/v1/queues");
  assert.is(res.status, 200);
  const work = res.body.queues.find((q: { name: string }) => q.name === "work");
  assert.equal({ ...work, consumer: { ...work.consumer } }, {
    name: "work", ready: 2, delayed: 1, inFlight: 0, producers: [],
    consumer: { app: "worker", maxBatchSize: 5, maxBatchTimeout: 0, maxRetries: 3, deadLetterQueue: "work-dlq" },
  });
  assert.ok(res.body.queues.some((q: { name: string; consumer: null }) => q.name === "bin" && q.consumer === null));
  assert.is((await call(cp.url, "GET", "/v1/queues", { token: REGION })).status, 403);
  assert.ok(cp.lines.some((l) => l.includes("queue work: no live region serves the app")), "the wait is logged");
});

test("a second app consuming the same queue is refused with 409; the first keeps it", async () => {
  let refused: Error | null = null;
  await deployEvents(cp.url, "thief", { consumers: [{ queue: "work" }] }).catch((e: Error) => (refused = e));
  assert.ok(refused, "the deploy was refused");
  assert.match(String(refused), "409");
  assert.match(String(refused), "queue 'work' is already consumed by app 'worker'");
  assert.is(cp.events.dispatcher.consumer("work")?.app, "worker");
  // Another queue is fine, and the refused app can deploy it.
  await deployEvents(cp.url, "thief", { consumers: [{ queue: "other" }] });
  assert.is(cp.events.dispatcher.consumer("other")?.app, "thief");
});

test.run();
