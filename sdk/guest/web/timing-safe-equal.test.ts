// crypto.subtle.timingSafeEqual (./timing-safe-equal.ts) under Node, checked against the answers workerd
// gave: equal and unequal bytes, any ArrayBuffer or view (offsets honoured), TypeErrors for different
// lengths, non-buffers and a wrong `this`; installed on a SubtleCrypto-like object's prototype.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { installTimingSafeEqual } from "./timing-safe-equal.ts";

class FakeSubtle {}
const subtle = new FakeSubtle() as FakeSubtle & { timingSafeEqual(a: unknown, b: unknown): boolean };
installTimingSafeEqual(subtle);
const enc = new TextEncoder();

function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (err) {
    return [(err as Error).name, (err as Error).message];
  }
}

test("installed on the prototype, as a Web IDL operation, once", () => {
  const d = Object.getOwnPropertyDescriptor(FakeSubtle.prototype, "timingSafeEqual");
  assert.equal([typeof d?.value, d?.enumerable, d?.writable, Object.hasOwn(subtle, "timingSafeEqual")], ["function", true, true, false]);
  const first = d?.value;
  installTimingSafeEqual(subtle);
  assert.is(FakeSubtle.prototype.constructor.prototype.timingSafeEqual, first, "an existing one is kept");
});

test("equal and unequal bytes; any ArrayBuffer or view, by its own bytes", () => {
  assert.equal([subtle.timingSafeEqual(enc.encode("ab"), enc.encode("ab")), subtle.timingSafeEqual(enc.encode("ab"), enc.encode("ac"))], [true, false]);
  assert.is(subtle.timingSafeEqual(new ArrayBuffer(2), new Uint16Array(1)), true);
  assert.is(subtle.timingSafeEqual(new DataView(new ArrayBuffer(3)), new Uint8Array(3)), true);
  assert.is(subtle.timingSafeEqual(new Uint8Array(0), new Uint8Array(0)), true);
  assert.is(subtle.timingSafeEqual(new Uint8Array([1, 2, 3]).subarray(1), new Uint8Array([2, 3])), true);
  assert.is(subtle.timingSafeEqual(new Uint8Array([1, 2, 3]).subarray(1), new Uint8Array([1, 2])), false);
  assert.is(subtle.timingSafeEqual(new Uint8Array([0, 0, 0, 0x80]), new Uint8Array([0, 0, 0, 0])), false);
});

test("workerd's TypeErrors: different lengths, a non-buffer (string, array, shared buffer, missing), a wrong this", () => {
  assert.equal(outcome(() => subtle.timingSafeEqual(enc.encode("ab"), enc.encode("abc"))), ["TypeError", "Input buffers must have the same byte length."]);
  assert.equal(outcome(() => subtle.timingSafeEqual("ab", "ab")), ["TypeError", "Failed to execute 'timingSafeEqual' on 'SubtleCrypto': parameter 1 is not of type 'BufferSource'."]);
  assert.equal(outcome(() => subtle.timingSafeEqual(enc.encode("a"), undefined)), ["TypeError", "Failed to execute 'timingSafeEqual' on 'SubtleCrypto': parameter 2 is not of type 'BufferSource'."]);
  for (const bad of [[1], new SharedArrayBuffer(1), new Uint8Array(new SharedArrayBuffer(1))]) assert.equal((outcome(() => subtle.timingSafeEqual(bad, new Uint8Array(1))) as string[])[0], "TypeError");
  const { timingSafeEqual } = subtle;
  assert.equal((outcome(() => timingSafeEqual(new Uint8Array(1), new Uint8Array(1))) as string[])[0], "TypeError");
  assert.equal((outcome(() => timingSafeEqual.call({}, new Uint8Array(1), new Uint8Array(1))) as string[])[0], "TypeError");
});

test.run();
