// Wizer's job done in this process's V8 instead of a wasmtime subprocess (~0.3 s instead of ~1 s): the
// spliced engine instantiated with Node's WASI (preview1: the sources directory preopened as itself and `/`, the
// environment and stdin wizer would give it; every other import traps), `_initialize` then
// `componentize.wizer` called, and the result written as wizer writes it: the engine's sections with
// the memory's current size as its minimum, `_initialize` and the init function no longer exported, and
// the memory's non-zero bytes as active data segments (plus their count). The defined globals are
// exported to the run (instrument(), once per engine) and must end as they began (wizer would otherwise
// have rewritten them); when they do not, or anything throws, the caller runs wizer itself. The caller
// also checks the result's signature against a module wizer made (wrapper.ts), so only a byte layout
// wizer agrees with is used, and then runs check_init on the same instance.
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { concatBytes, coreSections, Reader, SECTION, sectionBytes, writeUleb, type Section } from "../../core/wasm/reader.ts";
import { partSection, type ModuleParts, type PartSection } from "./module-parts.ts";

const { import: IMPORT, memory: MEMORY, global: GLOBAL, export: EXPORT, code: CODE, data: DATA, dataCount: DATA_COUNT } = SECTION;
const PAGE = 65536;
/** Zero runs shorter than this stay inside a segment (a new segment costs about this much). */
const MERGE_GAP = 64;
const REMOVED_EXPORTS = new Set(["_initialize", "componentize.wizer"]);

export interface SnapshotInput {
  /** The file holding instrument() of the spliced engine (engine.ts). */
  instrumentedPath: string;
  /** Host directory preopened as `/` in the guest (the bundle and the initializer script). */
  sourcesDir: string;
  env: Record<string, string>;
  /** What wizer gets on stdin. */
  input: string;
}

interface Export { name: string; kind: number; index: number; bytes: Uint8Array }

function exportsOf(wasm: Uint8Array, s: Section): Export[] {
  const r = new Reader(wasm, s.contentStart, " (engine exports)");
  const out: Export[] = [];
  for (let n = r.uleb(32); n > 0; n--) {
    const start = r.pos;
    const len = r.uleb(32);
    const name = new TextDecoder().decode(wasm.subarray(r.pos, r.pos + len));
    r.skip(len);
    const kind = r.byte();
    const index = r.uleb(32);
    out.push({ name, kind, index, bytes: wasm.subarray(start, r.pos) });
  }
  return out;
}

function vec(items: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const head: number[] = [];
  writeUleb(head, items.length);
  return concatBytes([new Uint8Array(head), ...items]);
}


function exportEntry(name: string, kind: number, index: number): Uint8Array {
  const nameBytes = new TextEncoder().encode(name);
  const out: number[] = [];
  writeUleb(out, nameBytes.length);
  out.push(...nameBytes, kind);
  writeUleb(out, index);
  return new Uint8Array(out);
}

/** The defined globals: their type byte and the value of their `i32.const`/`i64.const` initialiser (null otherwise). */
function globalsOf(wasm: Uint8Array, s: Section | undefined): { type: number; init: bigint | null }[] {
  if (!s) return [];
  const r = new Reader(wasm, s.contentStart, " (engine globals)");
  const out: { type: number; init: bigint | null }[] = [];
  for (let n = r.uleb(32); n > 0; n--) {
    const type = r.byte();
    r.byte(); // mutability
    const op = r.byte();
    let init: bigint | null = null;
    if (op === 0x41) init = BigInt(r.sleb32());
    else return []; // another initialiser: not read here; the caller falls back to wizer
    if (r.byte() !== 0x0b) return [];
    out.push({ type, init });
  }
  return out;
}

/** How many globals the module imports (they come first in the global index space). */
function importedGlobals(wasm: Uint8Array, s: Section | undefined): number {
  if (!s) return 0;
  const r = new Reader(wasm, s.contentStart, " (engine imports)");
  let globals = 0;
  const limits = () => { const flags = r.byte(); r.uleb(64); if (flags & 1) r.uleb(64); };
  for (let n = r.uleb(32); n > 0; n--) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0) r.uleb(32);
    else if (kind === 1) { r.byte(); limits(); }
    else if (kind === 2) limits();
    else if (kind === 3) { r.byte(); r.byte(); globals++; }
    else r.fail(`import kind ${kind}`);
  }
  return globals;
}

/** The memory's non-zero ranges as the contents of a data section (active segments of memory 0): views of `mem`, no copy. */
function dataSegments(mem: Uint8Array): { contents: Uint8Array[]; count: number } {
  const words = new Uint32Array(mem.buffer, mem.byteOffset, mem.byteLength >> 2);
  const ranges: [number, number][] = [];
  let start = -1;
  let lastNonZero = -1;
  for (let w = 0; w < words.length; w++) {
    if (words[w] === 0) continue;
    const at = w * 4;
    let first = at;
    while (mem[first] === 0) first++;
    let last = at + 3;
    while (mem[last] === 0) last--;
    if (start >= 0 && first - lastNonZero - 1 >= MERGE_GAP) { ranges.push([start, lastNonZero + 1]); start = -1; }
    if (start < 0) start = first;
    lastNonZero = last;
  }
  if (start >= 0) ranges.push([start, lastNonZero + 1]);
  const count: number[] = [];
  writeUleb(count, ranges.length);
  const contents: Uint8Array[] = [new Uint8Array(count)];
  for (const [a, b] of ranges) {
    const head: number[] = [0x00, 0x41];
    // i32.const offset, signed LEB128 (offsets are below 4 GiB; as i32 they may read negative)
    let v = a | 0;
    for (;;) {
      const byte = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) { head.push(byte); break; }
      head.push(byte | 0x80);
    }
    head.push(0x0b);
    writeUleb(head, b - a);
    contents.push(new Uint8Array(head), mem.subarray(a, b));
  }
  return { contents, count: ranges.length };
}

/** Runs `make` without Node's one-time "WASI is an experimental feature" warning (a build prints clean output). */
async function quietly<T>(make: () => Promise<T>): Promise<T> {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("WASI")) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try { return await make(); } finally { process.emitWarning = emit; }
}

const GLOBAL_EXPORT = "__outpost_global_";

/**
 * The engine with every defined global exported (as `__outpost_global_<i>`), which snapshotInV8() runs
 * so that it can compare the globals' final values; it depends only on the engine, so engine.ts makes
 * it once, beside the spliced engine. Null when the engine's layout is one this file does not rewrite.
 */
export function instrument(engine: Uint8Array): Uint8Array<ArrayBuffer> | null {
  const sections = coreSections(engine, " (spliced engine)");
  const find = (id: number) => sections.find((s) => s.id === id);
  const exp = find(EXPORT);
  if (!exp || !find(MEMORY) || !find(CODE) || sections.filter((s) => s.id === DATA).length > 1) return null;
  const globalSection = find(GLOBAL);
  const globals = globalsOf(engine, globalSection);
  if (globalSection && !globals.length) return null;
  const firstGlobal = importedGlobals(engine, find(IMPORT));
  const extra = globals.map((_, i) => exportEntry(`${GLOBAL_EXPORT}${i}`, 3, firstGlobal + i));
  return concatBytes([engine.subarray(0, 8), ...sections.map((s) =>
    s === exp ? sectionBytes(EXPORT, vec([...exportsOf(engine, exp).map((e) => e.bytes), ...extra])) : engine.subarray(s.start, s.end))]);
}

export interface Snapshot {
  /** The module wizer would write, as views of the instrumented engine and of the live memory. */
  module: ModuleParts;
  /**
   * Runs componentize-js's check_init on the initialised instance (as componentize() does on a fresh
   * one of the written module, which starts in this very state) and gives its status and what it
   * printed. Call it once `module` has been copied out: it may allocate, and so change the memory.
   */
  checkInit(): { status: number; stderr: string };
}

/**
 * Instrumented engines read and compiled in this process, by engine key (the name of the cache entry's
 * directory, engine.ts: the same key is the same engine in every cache) and size: `outpost dev`
 * rebuilds compile it once, and V8's lazily compiled functions stay compiled.
 */
const compiled = new Map<string, Promise<{ bytes: Uint8Array; module: WebAssembly.Module }>>();

function loadInstrumented(path: string): Promise<{ bytes: Uint8Array; module: WebAssembly.Module }> {
  const st = statSync(path);
  const id = `${basename(dirname(path))}\0${st.size}`;
  let entry = compiled.get(id);
  if (!entry) {
    entry = (async () => {
      const bytes = readFileSync(path);
      return { bytes, module: await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>) };
    })();
    entry.catch(() => compiled.delete(id));
    compiled.clear(); // one engine at a time: an older one is not used again
    compiled.set(id, entry);
  }
  return entry;
}

/** The snapshot of the app, or null when this run cannot stand in for wizer's (see the header). */
export async function snapshotInV8(o: SnapshotInput): Promise<Snapshot | null> {
  const { bytes: engine, module } = await loadInstrumented(o.instrumentedPath);
  const sections = coreSections(engine, " (instrumented engine)");
  const find = (id: number) => sections.find((s) => s.id === id);
  const exp = find(EXPORT)!;
  const mem = find(MEMORY)!;
  const globals = globalsOf(engine, find(GLOBAL));
  const exports = exportsOf(engine, exp).filter((e) => !e.name.startsWith(GLOBAL_EXPORT));

  const stdinPath = join(o.sourcesDir, "..", "snapshot.stdin");
  const outPath = join(o.sourcesDir, "..", "snapshot.stdout");
  writeFileSync(stdinPath, o.input);
  const stdin = openSync(stdinPath, "r");
  const stdout = openSync(outPath, "w");
  let printedTo = 0;
  const printed = () => { const all = readFileSync(outPath, "utf8"); const out = all.slice(printedTo); printedTo = all.length; return out; };
  try {
    const { WASI } = await quietly(() => import("node:wasi"));
    const wasi = new WASI({ version: "preview1", args: [], env: o.env, preopens: { [o.sourcesDir]: o.sourcesDir, "/": o.sourcesDir }, stdin, stdout, stderr: stdout, returnOnExit: true });
    const imports: WebAssembly.Imports = { wasi_snapshot_preview1: (wasi.getImportObject() as Record<string, WebAssembly.ModuleImports>).wasi_snapshot_preview1 };
    for (const i of WebAssembly.Module.imports(module)) {
      if (i.module === "wasi_snapshot_preview1") continue;
      (imports[i.module] ??= {})[i.name] = () => { throw new Error(`${i.module}#${i.name} was called while the app initialised`); };
    }
    const instance = await WebAssembly.instantiate(module, imports);
    const x = instance.exports as Record<string, unknown>;
    const memory = x.memory as WebAssembly.Memory;
    wasi.initialize({ exports: { memory, _initialize: x._initialize } } as unknown as WebAssembly.Instance);
    (x["componentize.wizer"] as () => void)();
    for (const [i, g] of globals.entries()) {
      const now = (x[`${GLOBAL_EXPORT}${i}`] as WebAssembly.Global).value as number | bigint;
      if (g.init === null || BigInt(now) !== g.init) return null; // wizer would have written a new initialiser
    }
    const bytes = new Uint8Array(memory.buffer);
    const text = printed();
    if (text.trim()) process.stderr.write(text);

    // The module wizer writes.
    const r = new Reader(engine, mem.contentStart, " (engine memory)");
    if (r.uleb(32) !== 1) return null;
    const flags = r.byte();
    r.uleb(32); // the old minimum
    const limits: number[] = [1, flags];
    writeUleb(limits, bytes.length / PAGE);
    if (flags & 1) writeUleb(limits, r.uleb(32));
    const data = dataSegments(bytes);
    const count: number[] = [];
    writeUleb(count, data.count);
    const out: PartSection[] = [];
    let wroteData = false;
    for (const s of sections) {
      if (s.id === MEMORY) out.push(partSection(MEMORY, [new Uint8Array(limits)]));
      else if (s.id === EXPORT) out.push(partSection(EXPORT, [vec(exports.filter((e) => !REMOVED_EXPORTS.has(e.name)).map((e) => e.bytes))]));
      else if (s.id === DATA_COUNT) out.push(partSection(DATA_COUNT, [new Uint8Array(count)]));
      else if (s.id === DATA) { out.push(partSection(DATA, data.contents)); wroteData = true; }
      else out.push({ id: s.id, parts: [engine.subarray(s.start, s.end)] });
    }
    if (!wroteData) return null;
    return {
      module: { header: engine.subarray(0, 8), sections: out },
      checkInit: () => {
        const status = (x.check_init as () => number)();
        return { status, stderr: printed() };
      },
    };
  } finally {
    closeSync(stdin);
    closeSync(stdout);
  }
}
