// Tests for the TOML field locator: headers, arrays of tables, dotted keys, inline tables, multi-line values.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { createLocator } from "./locate.ts";

const TOML = `name = "x" # comment [not.a.table]
a.b."c.d" = 1
text = """
[fake]
key = 1
"""
list = [
  "one",
  { k = 'two' },
]

[[outer]]
v = 1
[[outer.inner]]
w = 1
[[outer]]
v = 2
[[outer.inner]]
w = 2

[t]
inline = { x = 1, y = [10, 20] }
`;

test("locates keys, quoted dotted keys and array elements", () => {
  const at = createLocator(TOML);
  assert.equal(at(["name"]), { line: 1, column: 1 });
  assert.equal(at(["a", "b", "c.d"]), { line: 2, column: 1 });
  assert.equal(at(["list", 1]), { line: 9, column: 3 });
  assert.equal(at(["list", 1, "k"]), { line: 9, column: 5 });
});

test("skips multi-line strings and comments", () => {
  const at = createLocator(TOML);
  assert.equal(at(["key"]), { line: 1, column: 1 }); // falls back: `key` is inside a string
  assert.equal(at(["fake"]), { line: 1, column: 1 });
  assert.equal(at(["list"]), { line: 7, column: 1 });
});

test("numbers arrays of tables, also nested ones per parent entry", () => {
  const at = createLocator(TOML);
  assert.equal(at(["outer", 0, "v"]).line, 13);
  assert.equal(at(["outer", 1]).line, 16);
  assert.equal(at(["outer", 1, "v"]).line, 17);
  assert.equal(at(["outer", 0, "inner", 0, "w"]).line, 15);
  assert.equal(at(["outer", 1, "inner", 0, "w"]).line, 19);
});

test("inline tables, and fallback to the nearest parent", () => {
  const at = createLocator(TOML);
  assert.equal(at(["t", "inline", "y", 1]), { line: 22, column: 28 });
  assert.equal(at(["t", "inline", "missing"]), { line: 22, column: 1 });
  assert.equal(at(["t", "missing"]), { line: 21, column: 1 });
  assert.equal(at(["nothing", "here"]), { line: 1, column: 1 });
});

test("survives text it cannot follow", () => {
  const at = createLocator(`a = 1\nb = "unterminated\n`);
  assert.equal(at(["a"]), { line: 1, column: 1 });
});

test.run();
