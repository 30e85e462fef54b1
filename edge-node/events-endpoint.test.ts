// The events endpoint's body checks: a well-formed scheduled or queue event passes; every malformed
// shape is refused with a message naming the field.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { describeEvent, parseEventBody } from "./events-endpoint.ts";

test("a scheduled event passes through", () => {
  const parsed = parseEventBody({ app: "a", event: { type: "scheduled", cron: "* * * * *", scheduledTime: 60_000, extra: 1 } });
  assert.equal(parsed, { app: "a", event: { type: "scheduled", cron: "* * * * *", scheduledTime: 60_000 } });
});

test("a queue event passes through with byte bodies", () => {
  const m = { id: "m1", timestamp: 1, body: new Uint8Array([1, 2]), contentType: "bytes", attempts: 1 };
  const parsed = parseEventBody({ app: "a", event: { type: "queue", queue: "q", messages: [m] } });
  assert.equal(parsed, { app: "a", event: { type: "queue", queue: "q", messages: [m] } });
});

test("malformed bodies are refused naming the field", () => {
  const cases: Array<[unknown, RegExp]> = [
    [null, /msgpack map/],
    [{ event: { type: "scheduled" } }, /`app`/],
    [{ app: "a" }, /`event`/],
    [{ app: "a", event: { type: "http" } }, /event\.type/],
    [{ app: "a", event: { type: "scheduled", cron: 5, scheduledTime: 1 } }, /cron/],
    [{ app: "a", event: { type: "queue", queue: "q" } }, /messages/],
    [{ app: "a", event: { type: "queue", queue: "q", messages: [{ id: "x", timestamp: 1, body: "text", contentType: "json", attempts: 1 }] } }, /messages\[0\]/],
  ];
  for (const [body, why] of cases) {
    const parsed = parseEventBody(body);
    assert.type(parsed, "string", JSON.stringify(body));
    assert.match(parsed as string, why);
  }
});

test("events are described for log lines", () => {
  assert.is(describeEvent({ type: "scheduled", cron: "*/5 * * * *", scheduledTime: 0 }), 'cron "*/5 * * * *"');
  assert.is(describeEvent({ type: "queue", queue: "jobs", messages: [] }), "queue jobs (0 messages)");
});

test.run();
