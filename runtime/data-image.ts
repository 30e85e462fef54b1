// Splits a core module into its code and its data image. Every JS app built by one toolchain embeds
// the same StarlingMonkey engine: the engine module's bytes differ only in the data section (the
// snapshot of the app's JS heap). Without the data section and its data-count section, the module is
// the same bytes for every such app, so it is compiled once per process and shared
// (runtime/shared-code.ts), and the data is written into the new instance's memory right after
// instantiation instead (`writeImage`), exactly what the active segments would have written.
//
// The split is made only when that is exact: every segment active, of memory 0, at an `i32.const`
// offset; memory 0 defined by the module (fresh, so all zeros: the image's gaps write zeros) and
// exported (the write needs it); every segment inside memory 0's initial size (so writing the image
// cannot fail where instantiating the whole module would have); no start function (nothing runs
// between instantiation and the write); a data count equal to the segments (the original is valid). Without the
// data-count section, code that uses `memory.init` or `data.drop` does not validate: compiling the
// code then fails and the caller compiles the whole module instead.
import { createHash } from "node:crypto";
import { definedMemoryBytes, importedMemoryCount } from "./memory-limit.ts";
import { coreSections, Reader, SECTION } from "../core/wasm/reader.ts";

const { start: SECTION_START, code: SECTION_CODE, export: SECTION_EXPORT, data: SECTION_DATA, dataCount: SECTION_DATA_COUNT } = SECTION;
const EXPORT_MEMORY = 0x02;
const OP_I32_CONST = 0x41;
const OP_END = 0x0b;
/**
 * Segments closer than this are copied as one chunk, the zeros between them included: a fresh memory
 * holds zeros there anyway, and a gap within a page costs nothing extra. Farther apart, the gap is
 * left untouched, so its pages are never faulted in (the engine's data spans 8.5 MiB for 3.7 MiB of
 * data: one copy of the span would commit 4.8 MiB more per instance).
 */
const MAX_GAP_BYTES = 4096;

export interface DataImage {
  /** The export that names memory 0. */
  memoryExport: string;
  /** Memory 0's contents where segments put bytes, after every segment was applied in order over zeros, as chunks. */
  chunks: Array<{ offset: number; bytes: Uint8Array }>;
  /** The largest `offset + length` of any segment: memory 0 must be at least this large, as for the segments. */
  end: number;
  segments: number;
}

export interface SplitModule {
  /**
   * A cheap fingerprint of the code (the module without its data sections): SHA-256 of every section but
   * the code section, plus the code section's length. Equal code has equal fingerprints; equal
   * fingerprints are confirmed byte for byte with `sameCode` (hashing the 9 MB code section costs ~5 ms,
   * comparing it ~1 ms).
   */
  fingerprint: string;
  /** The code as a module of its own (built on demand: a process that has it compiled needs only to compare). */
  code(): Uint8Array<ArrayBuffer>;
  /** Whether `code` (the output of some module's `code()`) is exactly this module's code. */
  sameCode(code: Uint8Array): boolean;
  image: DataImage;
}

export type Split = SplitModule | { unchanged: string };

interface Segment { offset: number; start: number; length: number }

/** The module's code (no data sections) and data image, or why it is left whole. `name` names it in errors. */
export function splitDataImage(wasm: Uint8Array, name: string): Split {
  const where = ` (module ${name})`;
  const sections = coreSections(wasm, where);
  if (sections.some((s) => s.id === SECTION_START)) return { unchanged: "it has a start function" };
  const data = sections.find((s) => s.id === SECTION_DATA);
  if (!data) return { unchanged: "it has no data section" };
  if (importedMemoryCount(wasm, where) > 0) return { unchanged: "memory 0 is imported (it may not be all zeros)" };
  const memoryExport = exportOfMemory0(wasm, sections.find((s) => s.id === SECTION_EXPORT), where);
  if (memoryExport === null) return { unchanged: "memory 0 is not exported" };

  const r = new Reader(wasm, data.contentStart, where);
  const count = r.uleb(32);
  const segments: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const kind = r.uleb(32);
    if (kind !== 0) return { unchanged: `data segment ${i} is not an active segment of memory 0 (kind ${kind})` };
    if (r.byte() !== OP_I32_CONST) return { unchanged: `data segment ${i}'s offset is not an i32.const` };
    const offset = r.sleb32() >>> 0;
    if (r.byte() !== OP_END) return { unchanged: `data segment ${i}'s offset expression is longer than i32.const` };
    const length = r.uleb(32);
    segments.push({ offset, start: r.pos, length });
    r.skip(length);
  }
  if (r.pos !== data.end) return { unchanged: "the data section's size does not match its segments" };
  const dataCount = sections.find((s) => s.id === SECTION_DATA_COUNT);
  if (dataCount && new Reader(wasm, dataCount.contentStart, where).uleb(32) !== count) return { unchanged: "the data count does not match the data section" };

  let end = 0;
  const spans: Array<{ offset: number; end: number }> = [];
  for (const s of [...segments].sort((x, y) => x.offset - y.offset)) {
    end = Math.max(end, s.offset + s.length);
    if (s.length === 0) continue;
    const last = spans.at(-1);
    if (last && s.offset <= last.end + MAX_GAP_BYTES) last.end = Math.max(last.end, s.offset + s.length);
    else spans.push({ offset: s.offset, end: s.offset + s.length });
  }
  // Instantiating the whole module would fail on a segment past memory 0's initial size: left whole, it does.
  if (end > (definedMemoryBytes(wasm, where)[0] ?? 0)) return { unchanged: "a data segment ends past memory 0's initial size" };
  // One shared buffer for every chunk: posted to worker threads without a copy per thread.
  const buffer = new SharedArrayBuffer(spans.reduce((n, c) => n + c.end - c.offset, 0));
  let at = 0;
  const chunks = spans.map((c) => {
    const bytes = new Uint8Array(buffer, at, c.end - c.offset);
    at += bytes.length;
    return { offset: c.offset, bytes };
  });
  // In the module's order, so a later segment overwrites an earlier one where they overlap.
  for (const s of segments) {
    if (s.length === 0) continue;
    const chunk = chunkAt(chunks, s.offset);
    chunk.bytes.set(wasm.subarray(s.start, s.start + s.length), s.offset - chunk.offset);
  }

  // The code: the header and every section but the data sections, in order.
  const drop = new Set([data, dataCount]);
  const kept = sections.filter((s) => !drop.has(s));
  const pieces = [wasm.subarray(0, 8), ...kept.map((s) => wasm.subarray(s.start, s.end))];
  const size = pieces.reduce((n, p) => n + p.byteLength, 0);
  const hash = createHash("sha256").update(wasm.subarray(0, 8));
  for (const s of kept) hash.update(s.id === SECTION_CODE ? `code section of ${s.end - s.start} bytes` : wasm.subarray(s.start, s.end));
  const sameCode = (other: Uint8Array) => {
    if (other.byteLength !== size) return false;
    let at = 0;
    for (const p of pieces) {
      if (!bytesEqual(other.subarray(at, at + p.byteLength), p)) return false;
      at += p.byteLength;
    }
    return true;
  };
  const code = () => {
    const out = new Uint8Array(size);
    let at = 0;
    for (const p of pieces) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  };
  return { fingerprint: hash.digest("hex"), code, sameCode, image: { memoryExport, chunks, end, segments: count } };
}

/** Byte-for-byte equality without copying either side. */
export const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** The chunk holding `offset` (chunks are sorted and every non-empty segment lies inside one). */
function chunkAt(chunks: DataImage["chunks"], offset: number): DataImage["chunks"][number] {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (chunks[mid].offset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return chunks[lo];
}

/** Writes the image into a new instance's memory 0, as instantiation would have; throws as it would when it does not fit. */
export function writeImage(instance: WebAssembly.Instance, image: DataImage): void {
  const memory = instance.exports[image.memoryExport];
  if (!(memory instanceof WebAssembly.Memory)) throw new WebAssembly.LinkError(`export ${image.memoryExport} is not a memory`);
  const size = memory.buffer.byteLength;
  if (image.end > size) throw new WebAssembly.RuntimeError(`data segment out of bounds: ends at byte ${image.end}, memory 0 has ${size} bytes`);
  const view = new Uint8Array(memory.buffer);
  for (const c of image.chunks) view.set(c.bytes, c.offset);
}

/** The name of an export of memory 0, or null. */
function exportOfMemory0(wasm: Uint8Array, section: { contentStart: number; end: number } | undefined, where: string): string | null {
  if (!section) return null;
  const r = new Reader(wasm, section.contentStart, where);
  const count = r.uleb(32);
  for (let i = 0; i < count; i++) {
    const length = r.uleb(32);
    const start = r.pos;
    r.skip(length);
    const kind = r.byte();
    const index = r.uleb(32);
    if (kind === EXPORT_MEMORY && index === 0) return new TextDecoder("utf-8", { fatal: true }).decode(wasm.subarray(start, start + length));
  }
  return null;
}
