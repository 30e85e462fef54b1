// Tests runtime/data-image.ts and runtime/shared-code.ts: on tiny modules made from WAT (the memory a
// split module's instance ends with equals the whole module's, overlapping segments, far-apart chunks,
// out-of-bounds segments, every case that must stay whole), then on two real JS apps: their engine
// modules split into the same code, one compile serves both, and each instance's memory is exactly
// what the whole module gives.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "@bytecodealliance/jco";
import { buildFixture } from "../testkit/apps.ts";
import { compileComponent } from "./component.ts";
import { componentShape } from "./component-shape.ts";
import { splitDataImage, writeImage, type SplitModule } from "./data-image.ts";
import { sharedCode, sharedCodeCounts } from "./shared-code.ts";
import { tempDir } from "../testkit/temp.ts";

/** WAT to a core module's bytes. */
const wat = async (text: string) => new Uint8Array(await parse(text));

function split(bytes: Uint8Array): SplitModule {
  const s = splitDataImage(bytes, "test.wasm");
  if ("unchanged" in s) throw new Error(`not split: ${s.unchanged}`);
  return s;
}

function whyWhole(bytes: Uint8Array): string {
  const s = splitDataImage(bytes, "test.wasm");
  assert.ok("unchanged" in s, "left whole");
  return (s as { unchanged: string }).unchanged;
}

/** Stub imports for a module whose imports are functions and tables (none is called while instantiating). */
function stubs(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ExportValue>> = {};
  for (const i of WebAssembly.Module.imports(module)) {
    imports[i.module] ??= {};
    if (i.kind === "function") imports[i.module][i.name] = () => { throw new Error(`stub ${i.name} called`); };
    else if (i.kind === "table") imports[i.module][i.name] = new WebAssembly.Table({ initial: 4096, element: "anyfunc" });
    else throw new Error(`no stub for a ${i.kind} import`);
  }
  return imports;
}

/** The memory bytes of the whole module's instance and of the split one's (code + image). */
async function bothMemories(bytes: Uint8Array<ArrayBuffer>): Promise<[Uint8Array, Uint8Array]> {
  const s = split(bytes);
  const whole = await WebAssembly.instantiate(new WebAssembly.Module(bytes), {});
  const parted = await WebAssembly.instantiate(new WebAssembly.Module(s.code()), {});
  writeImage(parted, s.image);
  const mem = (i: WebAssembly.Instance) => new Uint8Array((i.exports[s.image.memoryExport] as WebAssembly.Memory).buffer);
  return [mem(whole), mem(parted)];
}

test("code + image gives the memory the active segments give, later segments winning where they overlap", async () => {
  const wasm = await wat(`(module (memory (export "mem") 2)
    (data (i32.const 16) "abcdef") (data (i32.const 18) "XY") (data (i32.const 100) "") (data (i32.const 70000) "far"))`);
  const s = split(wasm);
  assert.is(s.image.segments, 4);
  assert.is(s.image.end, 70003);
  assert.equal(s.image.chunks.map((c) => [c.offset, c.bytes.length]), [[16, 6], [70000, 3]], "a gap over 4 KiB splits the chunks");
  assert.ok(s.image.chunks[0].bytes.buffer instanceof SharedArrayBuffer, "shared with worker threads, not copied");
  const [whole, parted] = await bothMemories(wasm);
  assert.is(Buffer.from(parted.subarray(16, 22)).toString(), "abXYef");
  assert.equal(parted, whole);
  assert.ok(WebAssembly.validate(s.code()), "the code validates on its own");
  assert.is(s.code().length < wasm.length, true);
});

test("the same code with other data has the same fingerprint and compares equal; other code does not", async () => {
  const a = split(await wat(`(module (memory (export "memory") 1) (func (export "f") (result i32) i32.const 1) (data (i32.const 8) "one"))`));
  const b = split(await wat(`(module (memory (export "memory") 1) (func (export "f") (result i32) i32.const 1) (data (i32.const 64) "another"))`));
  const c = split(await wat(`(module (memory (export "memory") 1) (func (export "f") (result i32) i32.const 2) (data (i32.const 8) "one"))`));
  assert.is(a.fingerprint, b.fingerprint);
  assert.ok(a.sameCode(b.code()) && b.sameCode(a.code()));
  assert.is(a.fingerprint, c.fingerprint, "the fingerprint leaves the code section's bytes out (it only counts them)");
  assert.not.ok(a.sameCode(c.code()), "the byte comparison tells them apart");
  assert.equal(a.code(), b.code());
});

test("a segment past memory 0's initial size stays whole (it fails at instantiation, as it would have)", async () => {
  const wasm = await wat(`(module (memory (export "mem") 1) (data (i32.const 65534) "abc"))`);
  assert.match(whyWhole(wasm), /a data segment ends past memory 0's initial size/);
  const whole = await WebAssembly.instantiate(new WebAssembly.Module(wasm), {}).then(() => null, (e: Error) => e);
  assert.instance(whole, WebAssembly.RuntimeError);
  // writeImage checks the bound itself too (an image applied to a memory smaller than the one it was split for).
  const fits = split(await wat(`(module (memory (export "mem") 2) (data (i32.const 65534) "abc"))`));
  const small = await WebAssembly.instantiate(new WebAssembly.Module(await wat(`(module (memory (export "mem") 1))`)), {});
  try {
    writeImage(small, fits.image);
    assert.unreachable("the image does not fit");
  } catch (err) {
    assert.instance(err, WebAssembly.RuntimeError);
    assert.match((err as Error).message, /data segment out of bounds: ends at byte 65537, memory 0 has 65536 bytes/);
  }
});

test("modules it cannot split exactly stay whole, each with its reason", async () => {
  assert.match(whyWhole(await wat(`(module (memory (export "m") 1))`)), /no data section/);
  assert.match(whyWhole(await wat(`(module (memory 1) (data (i32.const 0) "x"))`)), /memory 0 is not exported/);
  assert.match(whyWhole(await wat(`(module (import "env" "m" (memory 1)) (export "m" (memory 0)) (data (i32.const 0) "x"))`)), /memory 0 is imported/);
  assert.match(whyWhole(await wat(`(module (memory (export "m") 1) (func $f) (start $f) (data (i32.const 0) "x"))`)), /start function/);
  assert.match(whyWhole(await wat(`(module (memory (export "m") 1) (data "passive"))`)), /not an active segment of memory 0 \(kind 1\)/);
  assert.match(whyWhole(await wat(`(module (global $g i32 (i32.const 4)) (memory (export "m") 1) (data (global.get $g) "x"))`)), /offset is not an i32.const/);
});

test("malformed modules throw an error naming the module and the offset", async () => {
  const wasm = await wat(`(module (memory (export "m") 1) (data (i32.const 0) "xyz"))`);
  assert.throws(() => splitDataImage(wasm.subarray(0, wasm.length - 2), "cut.wasm"), /malformed wasm module \(module cut\.wasm\): section 11 runs past the end/);
});

test("two real JS apps: one engine code, compiled once, each instance's memory exactly the whole module's", async () => {
  const dir = tempDir("outpost-data-image-");
  try {
    const [a, b] = await Promise.all(["e2e-app", "tenant-app"].map(async (name) => {
      const out = join(dir, name);
      await buildFixture(name, out);
      const wasm = join(out, name === "tenant-app" ? "tenant.wasm" : `${name}.wasm`);
      return new Uint8Array(readFileSync(wasm));
    }));
    const engineA = componentShape(a)!.coreModules[0];
    const engineB = componentShape(b)!.coreModules[0];
    assert.is.not(Buffer.compare(engineA, engineB), 0, "the two engine modules differ (their data)");
    const sa = split(engineA);
    const sb = split(engineB);
    assert.is(sa.fingerprint, sb.fingerprint);
    assert.ok(sa.sameCode(sb.code()), "but their code is the same bytes");
    console.log(`  engine: ${sa.image.segments} segments in ${sa.image.chunks.length} chunks, ${sa.image.chunks.reduce((n, c) => n + c.bytes.length, 0)} image bytes, code ${sa.code().length} bytes`);

    // The key compileComponent uses without a memory limit.
    const { module: code } = await sharedCode({ key: `code:${sa.fingerprint}:none`, code: () => sa.code(), same: (c) => sa.sameCode(c), compileBytes: (c) => c });
    const whole = new WebAssembly.Module(engineB as Uint8Array<ArrayBuffer>);
    const parted = await WebAssembly.instantiate(code, stubs(code));
    writeImage(parted, sb.image);
    const full = await WebAssembly.instantiate(whole, stubs(whole));
    const mem = (i: WebAssembly.Instance) => new Uint8Array((i.exports[sb.image.memoryExport] as WebAssembly.Memory).buffer);
    assert.ok(Buffer.compare(mem(parted), mem(full)) === 0, "app B's memory from the shared code + its image equals its whole module's");

    const before = { ...sharedCodeCounts };
    const cacheDir = join(dir, "cache");
    const ca = await compileComponent(a, { cacheDir });
    assert.is(sharedCodeCounts.compiled - before.compiled, ca.modules.size - 1, "app A: the engine code compiled above is reused; the small modules are compiled");
    const mid = { ...sharedCodeCounts };
    const cb = await compileComponent(b, { cacheDir });
    assert.is(sharedCodeCounts.compiled, mid.compiled, "app B: nothing compiled, every module shared with app A");
    for (const [name, m] of ca.modules) assert.is(cb.modules.get(name), m, `${name}: one module object for both apps`);
    assert.is(cb.warmKey, ca.warmKey, "a thread that warmed one need not warm the other");
    assert.is.not(cb.compileId, ca.compileId);
    assert.ok(ca.images.has("component.core.wasm") && cb.images.has("component.core.wasm"));
    assert.ok(ca.ownBytes < a.length / 2, `own bytes ${ca.ownBytes} count the image, not the shared code`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
