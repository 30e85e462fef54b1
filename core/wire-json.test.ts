// Tests of the JSON the guest's Intl and URLPattern wrappers and the host exchange (wire-json.ts): what JSON
// cannot spell (undefined, NaN, ±Infinity, -0, bigint, symbol) survives the trip at any depth, plain values
// take the plain JSON path, and a string that merely contains U+0000 is not mistaken for a tagged value.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decode, encode } from "./wire-json.ts";

test("plain values are plain JSON", () => {
  assert.is(encode(["format", 1234.5, "x", true, null]), '["format",1234.5,"x",true,null]');
  assert.is(encode("de-DE"), '"de-DE"');
  assert.equal(decode('["format",1234.5]'), ["format", 1234.5]);
});

test("what JSON cannot spell comes back as it was", () => {
  const back = decode(encode([undefined, NaN, Infinity, -Infinity, -0, 12345678901234567890n, { a: undefined, b: [1n, -0] }])) as unknown[];
  assert.is(back.length, 7);
  assert.is(back[0], undefined);
  assert.ok(Number.isNaN(back[1]));
  assert.is(back[2], Infinity);
  assert.is(back[3], -Infinity);
  assert.ok(Object.is(back[4], -0));
  assert.is(back[5], 12345678901234567890n);
  assert.equal(back[6], { b: [1n, -0] });
  assert.ok(Object.is((back[6] as { b: number[] }).b[1], -0));
  assert.is(decode(encode(undefined)), undefined);
  const sym = decode(encode(Symbol("s"))) as symbol;
  assert.is(typeof sym, "symbol");
  assert.is(sym.description, "s");
});

test("a string holding U+0000 is a string", () => {
  assert.equal(decode(encode(["a\u0000b", { "\u0000": "u", v: 1 }])), ["a\u0000b", { "\u0000": "u", v: 1 }]);
});

test.run();
