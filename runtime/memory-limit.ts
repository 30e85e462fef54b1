// Caps a core wasm module's linear memory: rewrites the maximum of every memory the module defines
// (memory section) to at most a byte budget, so the guest's `memory.grow` fails past the app's limit.
// Only the import section (to count imported memories) and the memory section are decoded; every
// other section is copied byte for byte. Spec: https://webassembly.github.io/spec/core/binary/
import { coreSections, Reader, SECTION, writeUleb } from "../core/wasm/reader.ts";

export interface MemoryReport {
  /** Index in the module's memory index space (imported memories come first). */
  index: number;
  imported: boolean;
  initialPages: number;
  oldMaxPages: number | null;
  /** The max after rewriting; for an imported memory, its declared max unchanged (null: none). */
  newMaxPages: number | null;
  /** Bytes per page: 65536 unless the module uses the custom-page-sizes proposal. */
  pageSize: number;
}

export interface LimitResult {
  /** The rewritten module (the input itself when it defines no memory). */
  bytes: Uint8Array<ArrayBuffer>;
  memories: MemoryReport[];
}

const { import: SECTION_IMPORT, memory: SECTION_MEMORY } = SECTION;
const MIB = 1024 * 1024;

interface Limits {
  flags: number;
  min: number;
  max: number | null;
  pageSizeLog2: number | null;
}

/** limits / memtype: flags bit 0 = has max, bit 1 = shared, bit 2 = 64-bit, bit 3 = custom page size. */
function readLimits(r: Reader): Limits {
  const flags = r.byte();
  if (flags & ~0x0f) r.fail(`unknown limits flags 0x${flags.toString(16)}`);
  const bits = flags & 0x04 ? 64 : 32;
  const min = r.uleb(bits);
  const max = flags & 0x01 ? r.uleb(bits) : null;
  const pageSizeLog2 = flags & 0x08 ? r.uleb(32) : null;
  return { flags, min, max, pageSizeLog2 };
}

function writeLimits(out: number[], l: Limits): void {
  out.push(l.flags);
  writeUleb(out, l.min);
  if (l.max !== null) writeUleb(out, l.max);
  if (l.pageSizeLog2 !== null) writeUleb(out, l.pageSizeLog2);
}

/** Skips a value type, including the typed function references / GC forms `(ref null? ht)`. */
function skipValType(r: Reader): void {
  const t = r.byte();
  if (t === 0x63 || t === 0x64) r.skipSleb();
}

/** Counts the memories the import section brings in (they come first in the memory index space). */
function countImportedMemories(r: Reader, end: number, out: MemoryReport[]): void {
  const count = r.uleb(32);
  for (let i = 0; i < count; i++) {
    r.name();
    r.name();
    const kind = r.byte();
    switch (kind) {
      case 0x00: r.uleb(32); break; // func: typeidx
      case 0x01: skipValType(r); readLimits(r); break; // table: reftype + limits
      case 0x02: {
        const l = readLimits(r);
        const pageSize = l.pageSizeLog2 === null ? 65536 : 2 ** l.pageSizeLog2;
        out.push({ index: out.length, imported: true, initialPages: l.min, oldMaxPages: l.max, newMaxPages: l.max, pageSize });
        break;
      }
      case 0x03: skipValType(r); r.byte(); break; // global: valtype + mut
      case 0x04: r.byte(); r.uleb(32); break; // tag: attribute + typeidx
      default: r.fail(`unknown import kind 0x${kind.toString(16)}`);
    }
  }
  if (r.pos !== end) r.fail("import section size does not match its contents");
}

/** The initial size in bytes of each memory a core module defines (its memory section), in order. */
export function definedMemoryBytes(wasm: Uint8Array, where: string): number[] {
  const section = coreSections(wasm, where).find((s) => s.id === SECTION_MEMORY);
  if (!section) return [];
  const r = new Reader(wasm, section.contentStart, where);
  const count = r.uleb(32);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const l = readLimits(r);
    out.push(l.min * (l.pageSizeLog2 === null ? 65536 : 2 ** l.pageSizeLog2));
  }
  return out;
}

/** How many memories a core module imports (the first indices of its memory index space). */
export function importedMemoryCount(wasm: Uint8Array, where: string): number {
  const imports = coreSections(wasm, where).find((s) => s.id === SECTION_IMPORT);
  if (!imports) return 0;
  const out: MemoryReport[] = [];
  countImportedMemories(new Reader(wasm, imports.contentStart, where), imports.end, out);
  return out.length;
}

function formatMiB(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

/**
 * Returns a copy of `wasm` whose defined memories have max = min(existing max, floor(maxBytes / page size)).
 * Throws when a memory's initial size is already above the budget. `name` names the module in errors.
 */
export function limitMemory(wasm: Uint8Array, maxBytes: number, opts: { name?: string } = {}): LimitResult {
  if (!Number.isFinite(maxBytes) || maxBytes < 0) throw new Error(`memory limit must be a non-negative number of bytes, got ${maxBytes}`);
  const where = opts.name ? ` (module ${opts.name})` : "";
  const memories: MemoryReport[] = [];
  let memorySection: { start: number; contentStart: number; end: number } | null = null;
  for (const section of coreSections(wasm, where)) {
    if (section.id === SECTION_IMPORT) countImportedMemories(new Reader(wasm, section.contentStart, where), section.end, memories);
    else if (section.id === SECTION_MEMORY) {
      if (memorySection) new Reader(wasm, section.start, where).fail("second memory section");
      memorySection = section;
    }
  }
  if (!memorySection) {
    return { bytes: wasm.buffer instanceof ArrayBuffer ? (wasm as Uint8Array<ArrayBuffer>) : new Uint8Array(wasm), memories };
  }

  const m = new Reader(wasm, memorySection.contentStart, where);
  const count = m.uleb(32);
  const content: number[] = [];
  writeUleb(content, count);
  for (let i = 0; i < count; i++) {
    const l = readLimits(m);
    const pageSize = l.pageSizeLog2 === null ? 65536 : 2 ** l.pageSizeLog2;
    // The largest max the spec allows: 2^32 bytes for 32-bit memories, 2^64 bytes for 64-bit ones.
    const specMax = l.flags & 0x04 ? Math.floor(2 ** 64 / pageSize) : Math.floor(2 ** 32 / pageSize);
    const budget = Math.min(Math.floor(maxBytes / pageSize), specMax);
    if (l.min > budget) {
      throw new Error(
        `limits.memory_mb = ${+(maxBytes / MIB).toFixed(3)} is below this component's initial memory of ` +
        `${formatMiB(l.min * pageSize)} (module ${opts.name ?? "<unnamed>"}); raise limits.memory_mb`,
      );
    }
    const newMax = l.max === null ? budget : Math.min(l.max, budget);
    memories.push({ index: memories.length, imported: false, initialPages: l.min, oldMaxPages: l.max, newMaxPages: newMax, pageSize });
    writeLimits(content, { ...l, flags: l.flags | 0x01, max: newMax });
  }
  if (m.pos !== memorySection.end) m.fail("memory section size does not match its contents");

  const header: number[] = [SECTION_MEMORY];
  writeUleb(header, content.length);
  const out = new Uint8Array(memorySection.start + header.length + content.length + (wasm.length - memorySection.end));
  out.set(wasm.subarray(0, memorySection.start), 0);
  out.set(header, memorySection.start);
  out.set(content, memorySection.start + header.length);
  out.set(wasm.subarray(memorySection.end), memorySection.start + header.length + content.length);
  return { bytes: out, memories };
}
