// Tests bench/profile/data-segments.ts (the data-segment merge measured in runtime/perf/README.md) on
// tiny modules made from WAT: neighbours merge, the instantiated memory is byte-identical, and
// out-of-order or passive segments leave the module unchanged.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { parse } from "@bytecodealliance/jco";
import { mergeDataSegments } from "./data-segments.ts";

test("data segments: neighbours merge with zero gaps, the memory is the same, anything odd is left alone", async () => {
  const wat = async (segments: string) => new Uint8Array(await parse(`(module (memory (export "m") 1) ${segments})`));
  const src = await wat(`(data (i32.const 16) "ab") (data (i32.const 20) "cd") (data (i32.const 9000) "ef")`);
  const { bytes, report } = mergeDataSegments(src, { maxGap: 64 });
  assert.equal([report.segmentsBefore, report.segmentsAfter], [3, 2]);
  assert.ok(WebAssembly.validate(bytes));
  const mem = (b: Uint8Array<ArrayBuffer>) => new Uint8Array((new WebAssembly.Instance(new WebAssembly.Module(b)).exports.m as WebAssembly.Memory).buffer);
  assert.equal(mem(bytes), mem(src));
  assert.ok(mergeDataSegments(await wat(`(data (i32.const 20) "ab") (data (i32.const 16) "cd")`)).report.unchanged?.includes("out of order"));
  assert.ok(mergeDataSegments(await wat(`(data "passive")`)).report.unchanged?.includes("not an active segment"));
});

test.run();
