// The layering rule, read from the import graph of the non-test files: core ← sdk ← runtime ← edge-node ←
// control-plane ← cli, each layer importing only itself and the layers left of it; bench, examples,
// scripts and testkit may import anything except test folders; and no file imports itself in a circle.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cycles, folderOf, importsOf, isTestPath, sourceFiles } from "./import-graph.ts";

const LAYERS = ["core", "sdk", "runtime", "edge-node", "control-plane", "cli"];
const CONSUMERS = new Set(["bench", "examples", "scripts", "testkit"]);
const all = sourceFiles();
const program = all.filter((f) => !isTestPath(f));

/** Why `from` may not import `to`, or null when it may. */
function violation(from: string, to: string): string | null {
  const [a, b] = [folderOf(from), folderOf(to)];
  if (isTestPath(to)) return "imports a test folder";
  if (CONSUMERS.has(a)) return null;
  const [i, j] = [LAYERS.indexOf(a), LAYERS.indexOf(b)];
  if (i < 0) return `is in ${a}/, which is neither a layer nor a consumer`;
  if (j < 0) return `imports ${b}/, which only tests and tools may import`;
  return j > i ? `imports a higher layer (${a} ← ${b})` : null;
}

test("every top-level folder with code is a layer or a consumer", () => {
  const folders = new Set(all.map(folderOf));
  folders.delete(".");
  for (const f of folders) assert.ok(LAYERS.includes(f) || CONSUMERS.has(f), `${f}/ has code but no place in the layering`);
});

test("imports point one way: core ← sdk ← runtime ← edge-node ← control-plane ← cli", () => {
  const wrong: string[] = [];
  for (const f of program) for (const t of importsOf(f)) {
    const why = violation(f, t);
    if (why) wrong.push(`${f} → ${t}: ${why}`);
  }
  assert.equal(wrong, []);
});

test("core imports nothing of ours", () => {
  const wrong = program.filter((f) => folderOf(f) === "core").flatMap((f) => importsOf(f).filter((t) => folderOf(t) !== "core").map((t) => `${f} → ${t}`));
  assert.equal(wrong, []);
});

test("no file circles, tests included", () => {
  assert.equal(cycles(all).map((c) => c.join(" → ")), []);
});

test("the rule can fail: a higher-layer import and a circle are caught", () => {
  assert.ok(violation("core/limits.ts", "runtime/app.ts"));
  assert.ok(violation("sdk/build/index.ts", "cli/main.ts"));
  assert.ok(violation("bench/lib/cluster.ts", "edge-node/test/cluster.ts"));
  assert.is(violation("cli/main.ts", "core/limits.ts"), null);
  const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
  assert.equal(cycles(["a", "b", "c", "d"], (f) => graph.get(f) ?? []).map((c) => [...c].sort()), [["a", "b", "c"]]);
});

test.run();
