// The parts form of an artifact: cut at ranges and put together again byte for byte; the chunks a parts
// file names; a header, a literal or a chunk that does not fit reads as nothing; unusable ranges are dropped.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { chunksOf, fromParts, toParts, usableRanges } from "./parts.ts";

const blob = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz");
const file = (pieces: Uint8Array[]) => Buffer.concat(pieces);

test("cut at ranges and put together again", () => {
  const { chunks, pieces } = toParts(blob, [{ start: 4, end: 10 }, { start: 20, end: 36 }]);
  assert.equal(chunks.map((c) => Buffer.from(c.bytes).toString()), ["456789", "klmnopqrstuvwxyz"]);
  const parts = file(pieces);
  assert.equal(chunksOf(parts), chunks.map((c) => c.sha256));
  const store = new Map(chunks.map((c) => [c.sha256, c.bytes]));
  assert.equal(fromParts(parts, (sha) => store.get(sha)), blob);
  assert.ok(parts.length < blob.length + 300 && !parts.includes(Buffer.from("klmnopqrstuvwxyz")), "the chunks' bytes are not in the parts file");
});

test("a missing or wrong-length chunk, a cut literal or a broken header reads as nothing", () => {
  const { chunks, pieces } = toParts(blob, [{ start: 4, end: 10 }]);
  const parts = file(pieces);
  const [c] = chunks;
  assert.is(fromParts(parts, () => undefined), null, "chunk missing");
  assert.is(fromParts(parts, () => Buffer.from("short")), null, "chunk of another length");
  assert.is(fromParts(parts.subarray(0, parts.length - 1), (sha) => (sha === c.sha256 ? c.bytes : undefined)), null, "literal cut short");
  assert.is(fromParts(Buffer.concat([parts, Buffer.from("x")]), (sha) => (sha === c.sha256 ? c.bytes : undefined)), null, "bytes past the parts");
  assert.is(fromParts(Buffer.from('{"size":3,"parts":[["chunk","nothex",3]]}\nabc'), () => undefined), null, "a chunk name that is not a sha256");
  assert.is(fromParts(Buffer.from("not json\n"), () => undefined), null);
  assert.is(fromParts(Buffer.from('{"size":1000000000000,"parts":[["lit",3]]}\nabc'), () => undefined), null, "a size its parts do not add up to");
  assert.is(fromParts(Buffer.from('{"size":0,"parts":[["lit",3],["lit",-3]]}\nabc'), () => undefined), null, "a negative length");
  assert.equal(chunksOf(Buffer.from("no header line")), []);
});

test("ranges out of bounds, empty, overlapping or not safe integers are dropped; the rest sorted", () => {
  assert.equal(usableRanges([{ start: 20, end: 30 }, { start: 0, end: 5 }, { start: 3, end: 8 }, { start: 9, end: 9 }, { start: 30, end: 40 }, { start: 0.5, end: 2 }], 36), [{ start: 0, end: 5 }, { start: 20, end: 30 }]);
});

test.run();
