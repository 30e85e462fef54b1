// The atob/btoa fix (./base64.ts) under Node, over stand-ins for the engine's natives (Node's own, throwing
// a RangeError for bad input as StarlingMonkey does); Node's natives, already right, are left in place.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ATOB_MESSAGE, BTOA_MESSAGE, fixedAtob, fixedBtoa, installBase64Errors } from "./base64.ts";

/** Node's codec, throwing the engine's RangeError instead of a DOMException. */
function engineLike(native: (data: string) => string): (data: string) => string {
  return function (this: unknown, data: string): string {
    if (arguments.length === 0) throw new TypeError("At least 1 argument required, but only 0 passed");
    try {
      return native(data);
    } catch {
      throw new RangeError("String contains an invalid character");
    }
  };
}

const nodeBtoa = globalThis.btoa;
const nodeAtob = globalThis.atob;
const btoa = fixedBtoa(engineLike(nodeBtoa));
const atob = fixedAtob(engineLike(nodeAtob));

function thrown(fn: () => unknown): unknown[] {
  try {
    return ["returned", fn()];
  } catch (err) {
    const e = err as DOMException;
    return [e.constructor.name, e.name, e instanceof DOMException ? e.code : undefined, e.message];
  }
}

test("valid input: the native's answers (Latin-1, whitespace, missing padding, non-string arguments)", () => {
  assert.equal([btoa("hello\u00ff"), btoa(12 as unknown as string), btoa(undefined as unknown as string)], ["aGVsbG//", "MTI=", "dW5kZWZpbmVk"]);
  assert.equal([atob("aGVsbG8="), atob(" aGVs bG8= "), atob("aGVsbG8"), atob(null as unknown as string)], ["hello", "hello", "hello", nodeAtob("null")]);
});

test("bad input: an InvalidCharacterError DOMException (code 5) with workerd's message", () => {
  assert.equal(thrown(() => btoa("€")), ["DOMException", "InvalidCharacterError", 5, BTOA_MESSAGE]);
  for (const bad of ["***", "a", "ab=", "aGVsbG8=="]) assert.equal(thrown(() => atob(bad)), ["DOMException", "InvalidCharacterError", 5, ATOB_MESSAGE], bad);
});

test("argument errors stay TypeErrors: no argument (the native's), a Symbol, a throwing toString", () => {
  assert.equal(thrown(() => (btoa as () => string)())[0], "TypeError");
  assert.equal(thrown(() => atob(Symbol() as unknown as string))[0], "TypeError");
  const weird = { toString(): string { throw new RangeError("mine"); } };
  assert.equal(thrown(() => atob(weird as unknown as string)).slice(0, 2), ["RangeError", "RangeError"], "the argument's own error, not an InvalidCharacterError");
  assert.equal([btoa.name, btoa.length, atob.name, atob.length, "prototype" in btoa], ["btoa", 1, "atob", 1, false]);
});

test("installing onto Node's globals keeps its natives, which throw the right error already", () => {
  installBase64Errors();
  assert.is(globalThis.btoa, nodeBtoa);
  assert.is(globalThis.atob, nodeAtob);
});

test.run();
