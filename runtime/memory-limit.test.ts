// Tests runtime/memory-limit.ts on tiny core modules made from WAT with jco's parser (grow below and
// past the new maximum, imported memories, other sections around the memory section, refusals), and
// end to end on a real JavaScript component compiled through compileComponent with a memory limit.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@bytecodealliance/jco";
import { compileComponent } from "./component.ts";
import { limitMemory } from "./memory-limit.ts";
import { tempDir } from "../testkit/temp.ts";

const PAGE = 65536;
const MIB = 1024 * 1024;

function instantiate(bytes: Uint8Array<ArrayBuffer>, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  assert.ok(WebAssembly.validate(bytes), "rewritten module validates");
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
}

function growFails(mem: WebAssembly.Memory, pages: number): boolean {
  try {
    mem.grow(pages);
    return false;
  } catch (err) {
    assert.instance(err, RangeError);
    return true;
  }
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected a throw");
}

test("adds a maximum to a memory that has none", async () => {
  const { bytes, memories } = limitMemory(await parse(`(module (memory (export "mem") 1))`), 4 * PAGE);
  assert.equal(memories, [{ index: 0, imported: false, initialPages: 1, oldMaxPages: null, newMaxPages: 4, pageSize: PAGE }]);
  const mem = instantiate(bytes).exports.mem as WebAssembly.Memory;
  assert.is(growFails(mem, 4), true, "1 + 4 pages is past the max of 4");
  assert.is(mem.grow(3), 1);
  assert.is(mem.buffer.byteLength, 4 * PAGE);
  assert.is(growFails(mem, 1), true);
});

test("lowers an existing maximum and keeps a lower one", async () => {
  const lowered = limitMemory(await parse(`(module (memory (export "mem") 1 100))`), 10 * PAGE + 123);
  assert.is(lowered.memories[0].oldMaxPages, 100);
  assert.is(lowered.memories[0].newMaxPages, 10, "floor(maxBytes / 64 KiB)");
  const mem = instantiate(lowered.bytes).exports.mem as WebAssembly.Memory;
  assert.is(growFails(mem, 10), true);
  assert.is(mem.grow(9), 1);

  const kept = limitMemory(await parse(`(module (memory (export "mem") 1 3))`), 64 * MIB);
  assert.is(kept.memories[0].newMaxPages, 3);
  assert.is(growFails(instantiate(kept.bytes).exports.mem as WebAssembly.Memory, 3), true);
});

test("the guest's memory.grow returns -1 past the limit", async () => {
  const wat = `(module (memory 2) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;
  const grow = instantiate(limitMemory(await parse(wat), 3 * PAGE).bytes).exports.grow as (n: number) => number;
  assert.is(grow(2), -1);
  assert.is(grow(1), 2);
  assert.is(grow(1), -1);
});

test("leaves imported memories alone and limits the defined one", async () => {
  const wat = `(module
    (type (func))
    (import "env" "f" (func (type 0)))
    (import "env" "m" (memory 1))
    (import "env" "t" (table 1 funcref))
    (import "env" "g" (global i32))
    (memory (export "mem") 2 50)
    (global (export "h") i32 (i32.const 7))
    (func (export "size") (result i32) (memory.size 1))
    (data (memory 1) (i32.const 0) "hello")
    (start 0))`;
  const { bytes, memories } = limitMemory(await parse(wat), 5 * PAGE);
  assert.equal(memories.map((m) => [m.index, m.imported, m.initialPages, m.oldMaxPages, m.newMaxPages]), [
    [0, true, 1, null, null],
    [1, false, 2, 50, 5],
  ]);
  let started = 0;
  const imported = new WebAssembly.Memory({ initial: 1 });
  const inst = instantiate(bytes, {
    env: { f: () => started++, m: imported, t: new WebAssembly.Table({ initial: 1, element: "anyfunc" }), g: 1 },
  });
  assert.is(started, 1, "start section and imports still work");
  const mem = inst.exports.mem as WebAssembly.Memory;
  assert.is(new TextDecoder().decode(new Uint8Array(mem.buffer, 0, 5)), "hello", "data segment intact");
  assert.is((inst.exports.size as () => number)(), 2);
  assert.is((inst.exports.h as WebAssembly.Global).value, 7);
  assert.is(growFails(mem, 4), true);
  assert.is(mem.grow(3), 2);
  assert.is(imported.grow(100), 1, "the imported memory keeps no max");
});

test("keeps custom sections and the sections after the memory section byte for byte", async () => {
  const src = await parse(`(module (memory (export "mem") 1) (func (export "f") (result i32) (i32.const 42)))`);
  const custom = [0x00, 0x06, 0x04, 0x6e, 0x6f, 0x74, 0x65, 0x21]; // section 0, size 6, name "note", payload "!"
  const withCustom = new Uint8Array([...src, ...custom]);
  const out = limitMemory(withCustom, 2 * PAGE).bytes;
  assert.equal(Array.from(out.slice(-custom.length)), custom);
  assert.equal(WebAssembly.Module.customSections(new WebAssembly.Module(out), "note").length, 1);
  assert.is((instantiate(out).exports.f as () => number)(), 42);
  assert.is(out.length, withCustom.length + 1, "one more byte: the new max");
});

test("a module without memories comes back unchanged", async () => {
  const src = await parse(`(module (func (export "f")))`);
  const r = limitMemory(src, PAGE);
  assert.equal(r.memories, []);
  assert.is(r.bytes, src);
});

test("rewrites a large memory section with a multi-byte section size", async () => {
  const decls = Array.from({ length: 40 }, (_, i) => `(memory (export "m${i}") ${i} ${i + 200})`).join(" ");
  const { bytes, memories } = limitMemory(await parse(`(module ${decls})`), 100 * PAGE);
  assert.is(memories.length, 40);
  assert.ok(memories.every((m) => m.newMaxPages === 100));
  const inst = instantiate(bytes);
  assert.is(growFails(inst.exports.m39 as WebAssembly.Memory, 62), true);
  assert.is((inst.exports.m39 as WebAssembly.Memory).grow(61), 39);
});

test("shared memories keep their shared flag and get the lower max", async () => {
  const { bytes, memories } = limitMemory(await parse(`(module (memory (export "mem") 1 100 shared))`), 8 * PAGE);
  assert.is(memories[0].newMaxPages, 8);
  const mem = instantiate(bytes).exports.mem as WebAssembly.Memory;
  assert.instance(mem.buffer, SharedArrayBuffer);
  assert.is(growFails(mem, 8), true);
  assert.is(mem.grow(7), 1);
});

test("64-bit memories get a 64-bit max", async () => {
  const src = await parse(`(module (memory (export "mem") i64 1))`);
  const { bytes, memories } = limitMemory(src, 4 * PAGE);
  assert.equal([memories[0].initialPages, memories[0].newMaxPages], [1, 4]);
  assert.is(bytes[bytes.indexOf(0x05, 8) + 3], 0x05, "flags 0x04 (i64) became 0x05 (i64 + max)");
  if (!WebAssembly.validate(bytes)) return console.log("  (memory64 not enabled in this V8; checked the encoding only)");
  // A 64-bit memory's JS API takes and returns page counts as BigInt.
  const mem = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.mem as unknown as { grow(n: bigint): bigint };
  assert.is(growFails(mem as never, 4n as never), true);
  assert.is(mem.grow(3n), 1n);
});

test("refuses when the initial memory is above the limit, naming the field and the module", async () => {
  const err = thrown(() => limitMemory(new Uint8Array(0), 0));
  assert.match(err.message, /malformed wasm module/);
  const wasm = await parse(`(module (memory 145))`);
  const e = thrown(() => limitMemory(wasm, 8 * MIB, { name: "component.core.wasm" }));
  assert.is(e.message, "limits.memory_mb = 8 is below this component's initial memory of 9.1 MiB (module component.core.wasm); raise limits.memory_mb");
  assert.is(limitMemory(wasm, 145 * PAGE).memories[0].newMaxPages, 145, "exactly the initial size is allowed");
});

test("refuses components and malformed modules with a clear error", async () => {
  const component = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00]);
  assert.match(thrown(() => limitMemory(component, MIB)).message, /not a core module .* transpiled first/);
  const src = await parse(`(module (memory 1))`);
  assert.match(thrown(() => limitMemory(src.slice(0, src.length - 1), MIB, { name: "x.wasm" })).message, /\(module x\.wasm\).*past the end/);
  assert.match(thrown(() => limitMemory(src, -1)).message, /non-negative/);
});

// The real JavaScript component: the root app's `outpost build` output, or the build tests' fixture.
const candidates = [
  join(import.meta.dirname, "..", "dist", "hello.wasm"),
  join(import.meta.dirname, "..", "sdk", "build", "fixtures", "hello", "dist", "hello.wasm"),
];
const real = candidates.find((p) => existsSync(p));

test("a real JS component compiles with a 16 MiB limit and its memory stops growing there", async () => {
  if (!real) return console.log(`  (skipped the real component: run \`node cli/bin.js build\` to make dist/hello.wasm)`);
  const cacheDir = tempDir("outpost-memlimit-");
  try {
    const bytes = readFileSync(real);
    const limited = await compileComponent(bytes, { cacheDir, memoryLimitBytes: 16 * MIB });
    const unlimited = await compileComponent(bytes, { cacheDir });
    assert.is.not(limited, unlimited, "the compile cache keys on the limit");
    assert.is(await compileComponent(bytes, { cacheDir, memoryLimitBytes: 16 * MIB }), limited);
    const err = await compileComponent(bytes, { cacheDir, memoryLimitBytes: 1 * MIB }).then(() => null, (e: Error) => e);
    assert.match(err?.message ?? "", /limits\.memory_mb = 1 is below this component's initial memory of .* MiB \(module component\.core\.wasm\)/);

    const dir = join(cacheDir, "transpiled", limited.hash);
    const reports = [...limited.modules.keys()].sort().map((name) => {
      const r = limitMemory(readFileSync(join(dir, name)), 16 * MIB, { name });
      assert.ok(WebAssembly.validate(r.bytes), `${name} validates after the rewrite`);
      return { name, memories: r.memories };
    });
    console.log("  real component memories at 16 MiB:", JSON.stringify(reports));
    const defined = reports.flatMap((r) => r.memories.filter((m) => !m.imported).map((m) => ({ ...m, name: r.name })));
    assert.is(defined.length, 1, "one defined memory (the engine's), the others import it");
    assert.is(defined[0].name, "component.core.wasm");
    assert.is(defined[0].newMaxPages, 256);

    // Instantiate the limited compiled core module alone (its imports are all functions: stubs) and grow.
    const core = limited.modules.get("component.core.wasm")!;
    const imports: Record<string, Record<string, () => void>> = {};
    for (const i of WebAssembly.Module.imports(core)) {
      assert.is(i.kind, "function");
      (imports[i.module] ??= {})[i.name] = () => { throw new Error(`stub ${i.module}.${i.name} called`); };
    }
    const mem = new WebAssembly.Instance(core, imports).exports.memory as WebAssembly.Memory;
    const initial = mem.buffer.byteLength / PAGE;
    assert.is(initial, defined[0].initialPages);
    assert.is(growFails(mem, 256 - initial + 1), true, "past 16 MiB");
    assert.is(mem.grow(256 - initial), initial);
    assert.is(growFails(mem, 1), true);
    const free = new WebAssembly.Instance(unlimited.modules.get("component.core.wasm")!, imports).exports.memory as WebAssembly.Memory;
    assert.is(free.grow(300), initial, "without a limit it grows past 16 MiB");
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test.run();
