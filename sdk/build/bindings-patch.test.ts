// Tests of bindings-patch.ts on the real engine's bindings (the spliced engine of the current WIT, from the
// machine cache or spliced now): both rewrites apply, the native string encoder writes the very bytes and
// lengths the generated one did (lone surrogates included), the debug-log statements are skipped but still
// run when debugging is on, and bindings of another shape are left as they are.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { patchBindings } from "./bindings-patch.ts";
import { splicedEngine } from "./engine.ts";
import { featuresFor } from "./componentize.ts";
import { WORLD, witDir } from "./wit.ts";
import { tempDir } from "../../testkit/temp.ts";

const cacheDir = join(tempDir("outpost-bindings-patch-test-"), "cache");
const engine = await splicedEngine({ witPath: await witDir(cacheDir), worldName: WORLD, features: featuresFor(["incomingHandler"]), cacheDir });
const original = engine.jsBindings;
const patched = patchBindings(original);

/** The `_utf8AllocateAndEncode` of `js`, run against a fake linear memory; returns the bytes it wrote. */
function encoderOf(js: string): (s: string) => { bytes: number[]; len: number } {
  const start = js.indexOf("function _utf8AllocateAndEncode(");
  const end = js.indexOf("\n}\n", start) + 3;
  const make = new Function("TEXT_ENCODER_UTF8", `${js.slice(start, end)}\nreturn _utf8AllocateAndEncode;`);
  const encode = make(new TextEncoder()) as (s: string, realloc: (a: number, b: number, c: number, n: number) => number, memory: { buffer: ArrayBuffer }) => { ptr: number; len: number };
  return (s) => {
    const memory = { buffer: new ArrayBuffer(1024) };
    let sizes = 0;
    const { ptr, len } = encode(s, (_a, _b, _align, n) => { sizes++; return 8 + n * 0; }, memory);
    assert.ok(sizes <= 1, "one allocation of the exact size");
    return { bytes: [...new Uint8Array(memory.buffer, ptr, len)], len };
  };
}

test("both rewrites apply to the real bindings", () => {
  assert.ok(patched.encoderNative);
  assert.ok(patched.debugLogsGuarded > 100, `${patched.debugLogsGuarded} guarded`);
  assert.not.ok(/^ *_debugLog\(/m.test(patched.js), "no unguarded debug-log statement is left");
  assert.ok(patched.js.length < original.length + 30 * patched.debugLogsGuarded);
  new Function(patched.js.replace(/^export /gm, "")); // still parses (as a function body)
});

test("the native encoder writes what the generated one wrote", () => {
  const before = encoderOf(original);
  const after = encoderOf(patched.js);
  for (const s of ["", "a", "plain ascii", "é", "€", "1.234,50\u00a0€", "👨‍👩‍👧", "\ud800", "a\udfffb", "\ud83d", "日本語テキスト"]) {
    assert.equal(after(s), before(s), JSON.stringify(s));
  }
});

test("debug logs still run when debugging", () => {
  const run = (debug: boolean) => {
    const logged: unknown[] = [];
    const body = `const globalThis = { process: { env: { JCO_DEBUG: ${debug ? "'1'" : "''"} } } }; const console = { debug: (...a) => log.push(a) };
      const _debugLog = (...args) => {\n  if (!globalThis?.process?.env?.JCO_DEBUG) { return; }\n  console.debug(...args);\n};
      function f() {\n  _debugLog('[Instruction::Return]', { funcName: 'f' });\n  return 1;\n}\nreturn f();`;
    const { js, debugLogsGuarded } = patchBindings(body);
    assert.is(debugLogsGuarded, 1);
    assert.is(new Function("log", js)(logged), 1);
    return logged.length;
  };
  assert.is(run(false), 0);
  assert.is(run(true), 1);
});

test("bindings of another shape are left as generated", () => {
  const other = "function _utf8AllocateAndEncode(s, realloc, memory) {\n  return custom(s);\n}\nfoo(); _debugLog('x');\n";
  assert.equal(patchBindings(other), { js: other, encoderNative: false, debugLogsGuarded: 0 });
});

test.run();
