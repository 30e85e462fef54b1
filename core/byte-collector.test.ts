// The byte collector: a declared length fills one buffer of that size; another number of bytes is
// reported (null); without a declared length (or past the preallocation bound) chunks are joined.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ByteCollector } from "./byte-collector.ts";

const collect = (declared: number, chunks: string[], max?: number) => {
  const c = new ByteCollector(declared, max);
  for (const chunk of chunks) c.add(Buffer.from(chunk));
  return c;
};

test("a declared length: the chunks in one buffer of that size", () => {
  assert.equal(collect(6, ["abc", "def"]).bytes(), Buffer.from("abcdef"));
});

test("fewer or more bytes than declared: null, with the size that arrived", () => {
  const short = collect(6, ["abc"]);
  assert.is(short.bytes(), null);
  assert.is(short.size, 3);
  assert.is(collect(2, ["abc"]).bytes(), null);
});

test("no declared length, or one past the bound: joined at the end", () => {
  assert.equal(collect(NaN, ["ab", "cd"]).bytes(), Buffer.from("abcd"));
  assert.equal(collect(4, ["ab", "cd"], 3).bytes(), Buffer.from("abcd"));
});

test.run();
