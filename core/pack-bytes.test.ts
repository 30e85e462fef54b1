// packWithBytes (pack-bytes.ts): its pieces, joined, unpack to the object msgpackr's own pack() gives.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { pack, Unpackr } from "msgpackr";
import { packWithBytes as pieces } from "./pack-bytes.ts";

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true }); // as the control plane reads bodies
const packWithBytes = (fields: Record<string, unknown>, name: string, bytes: Uint8Array) => Buffer.concat(pieces(fields, name, bytes));

test("unpacks to the object msgpackr packs, bytes included", () => {
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
  const manifest = { name: "hello", sha256: "ab".repeat(32), routes: [{ pattern: "/*" }], size: bytes.length, nested: { a: [1, "x", null] } };
  const ours = unpackr.unpack(packWithBytes({ manifest, skipped: undefined }, "component", bytes));
  const theirs = unpackr.unpack(pack({ manifest, component: bytes }));
  assert.equal(ours, theirs);
  assert.equal(Object.keys(ours), ["manifest", "component"]);
  assert.ok(Buffer.from(ours.component).equals(Buffer.from(bytes)));
  assert.is(pieces({ manifest }, "component", bytes).at(-1), bytes, "the bytes are a piece of their own, not a copy");
});

test("an empty binary and no other fields", () => {
  const out = unpackr.unpack(packWithBytes({}, "value", new Uint8Array(0)));
  assert.equal(Object.keys(out), ["value"]);
  assert.instance(out.value, Uint8Array);
  assert.is(out.value.length, 0);
});

test.run();
