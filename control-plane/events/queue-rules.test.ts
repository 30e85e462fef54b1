// The queue rules as pure functions: every send limit is a 400 naming its field and limit; valid sends
// come out as bytes; the retry backoff; and when a retried message goes round again, to the DLQ, or away.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { HttpError } from "../http/errors.ts";
import { afterRetry, checkQueueName, parseSend, QUEUE_LIMITS, retryDelayMs } from "./queue-rules.ts";

function refusal(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, HttpError);
    assert.is((e as HttpError).status, 400);
    return e as HttpError;
  }
  throw new Error("expected a 400");
}

const text = (body: string, extra: Record<string, unknown> = {}) => ({ body, contentType: "text", ...extra });

test("queue names: the config's rule, 1-63 lowercase letters, digits or dashes", () => {
  for (const ok of ["jobs", "jobs-2", "a-b", "0q", "x".repeat(63)]) assert.is(checkQueueName(ok), ok);
  for (const bad of ["", "a b", "a.b", "ü", "Jobs", "jobs_2", "-jobs", "x".repeat(64)]) {
    const e = refusal(() => checkQueueName(bad));
    assert.is(e.code, "invalid_queue_name");
    assert.match(e.message, "1-63 lowercase letters, digits or dashes");
  }
});

test("a JSON send: string bodies become UTF-8 bytes; delaySeconds kept when > 0", () => {
  const out = parseSend({ messages: [text("héllo"), { body: '{"a":1}', contentType: "json", delaySeconds: 5 }, text("x", { delaySeconds: 0 })] }, false);
  assert.equal(Buffer.from(out[0].body).toString("utf8"), "héllo");
  assert.is(out[1].delaySeconds, 5);
  assert.is(out[2].delaySeconds, undefined);
});

test("a msgpack send takes bytes, and JSON strings are refused as msgpack bodies", () => {
  const out = parseSend({ messages: [{ body: new Uint8Array([0, 255]), contentType: "bytes" }] }, true);
  assert.equal([...out[0].body], [0, 255]);
  assert.is(refusal(() => parseSend({ messages: [text("s")] }, true)).code, "invalid_body");
  assert.is(refusal(() => parseSend({ messages: [{ body: new Uint8Array(1), contentType: "bytes" }] }, false)).code, "invalid_body");
});

test("messages: present, non-empty, at most 100", () => {
  assert.match(refusal(() => parseSend({}, false)).message, "field 'messages'");
  assert.match(refusal(() => parseSend({ messages: [] }, false)).message, "non-empty");
  const e = refusal(() => parseSend({ messages: Array.from({ length: 101 }, () => text("x")) }, false));
  assert.is(e.code, "too_many_messages");
  assert.match(e.message, "over the limit of 100 per request");
  assert.is(parseSend({ messages: Array.from({ length: 100 }, () => text("x")) }, false).length, 100);
});

test("a message body is at most 128 KB; a request's bodies at most 256 KB", () => {
  assert.is(parseSend({ messages: [text("x".repeat(QUEUE_LIMITS.messageBytes))] }, false).length, 1);
  const big = refusal(() => parseSend({ messages: [text("x"), text("x".repeat(QUEUE_LIMITS.messageBytes + 1))] }, false));
  assert.is(big.code, "message_too_large");
  assert.match(big.message, "field 'messages[1].body'");
  assert.match(big.message, "131072 bytes (128 KB)");
  const third = "x".repeat(100 * 1024);
  const total = refusal(() => parseSend({ messages: [text(third), text(third), text(third)] }, false));
  assert.is(total.code, "request_too_large");
  assert.match(total.message, "262144 bytes (256 KB)");
});

test("contentType is json, text or bytes; json bodies must parse", () => {
  const e = refusal(() => parseSend({ messages: [{ body: "x", contentType: "v8" }] }, false));
  assert.is(e.code, "invalid_content_type");
  assert.match(e.message, "messages[0].contentType' must be one of json, text, bytes");
  assert.match(refusal(() => parseSend({ messages: [{ body: "x" }] }, false)).message, "contentType");
  assert.is(refusal(() => parseSend({ messages: [{ body: "{nope", contentType: "json" }] }, false)).code, "invalid_body");
});

test("delaySeconds is an integer from 0 to 43200", () => {
  for (const bad of [-1, 43_201, 1.5, "5"]) {
    const e = refusal(() => parseSend({ messages: [text("x", { delaySeconds: bad })] }, false));
    assert.is(e.code, "invalid_delay");
    assert.match(e.message, "messages[0].delaySeconds' must be an integer from 0 to 43200");
  }
  assert.is(parseSend({ messages: [text("x", { delaySeconds: 43_200 })] }, false)[0].delaySeconds, 43_200);
});

test("retry backoff doubles per delivery and stops at 30 s", () => {
  assert.equal([1, 2, 3].map((n) => retryDelayMs(n, 100)), [100, 200, 400]);
  assert.is(retryDelayMs(20, 1000), 30_000);
});

test("a retried message goes round until 1 + maxRetries deliveries, then to the DLQ or away", () => {
  assert.is(afterRetry(1, 2, "dlq"), "retry");
  assert.is(afterRetry(2, 2, "dlq"), "retry");
  assert.is(afterRetry(3, 2, "dlq"), "dead-letter");
  assert.is(afterRetry(3, 2, null), "drop");
  assert.is(afterRetry(1, 0, null), "drop");
});

test.run();
