// Unit tests of runtime/events.ts: settleOutcomes turns a queue run's result into one final decision
// per message ("unset" follows the run: ack when it succeeded, retry when it failed).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { settleOutcomes } from "./events.ts";

test("explicit outcomes are kept and unset follows a successful run (ack)", () => {
  assert.equal(settleOutcomes({ ok: true, outcomes: ["ack", "retry", "unset"], ms: 1 }, 3), ["ack", "retry", "ack"]);
});

test("a failed run retries every message, whatever the handler had decided", () => {
  assert.equal(settleOutcomes({ ok: false, error: "boom", ms: 1 }, 2), ["retry", "retry"]);
  assert.equal(settleOutcomes({ ok: false, error: "cpu", limit: "cpu", ms: 1 }, 1), ["retry"]);
});

test("missing or short outcome lists count as unset; extra ones are ignored", () => {
  assert.equal(settleOutcomes({ ok: true, ms: 1 }, 2), ["ack", "ack"]);
  assert.equal(settleOutcomes({ ok: true, outcomes: ["retry"], ms: 1 }, 3), ["retry", "ack", "ack"]);
  assert.equal(settleOutcomes({ ok: true, outcomes: ["retry", "retry", "retry"], ms: 1 }, 1), ["retry"]);
  assert.equal(settleOutcomes({ ok: true, outcomes: [], ms: 1 }, 0), []);
});

test.run();
