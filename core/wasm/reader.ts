// A bounds-checked reader of the WebAssembly binary format (LEB128 numbers, names, sections), shared
// by the binary rewrites of core modules (runtime/memory-limit.ts, runtime/data-image.ts) and of
// components (sdk/build/wrapper.ts). Errors name the module and the byte offset. Spec: https://webassembly.github.io/spec/core/binary/
/** Section ids of the core binary format (and the one component section we read: a nested core module). */
export const SECTION = {
  custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12,
  /** In a component: a core module. */
  coreModule: 1,
} as const;

/** The parts, one after another, in a new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export class Reader {
  pos: number;
  readonly bytes: Uint8Array;
  readonly where: string;
  constructor(bytes: Uint8Array, pos: number, where: string) {
    this.bytes = bytes;
    this.pos = pos;
    this.where = where;
  }
  fail(what: string): never {
    throw new Error(`malformed wasm module${this.where}: ${what} at byte offset ${this.pos}`);
  }
  byte(): number {
    if (this.pos >= this.bytes.length) this.fail("unexpected end");
    return this.bytes[this.pos++];
  }
  /** Unsigned LEB128 of at most `bits` bits, as a JS number (exact up to 2^53). */
  uleb(bits: 32 | 64): number {
    let result = 0;
    let scale = 1;
    const maxBytes = Math.ceil(bits / 7);
    for (let i = 0; i < maxBytes; i++) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER || (bits === 32 && result > 0xffffffff)) this.fail(`u${bits} out of range`);
        return result;
      }
      scale *= 128;
    }
    return this.fail(`u${bits} LEB128 longer than ${maxBytes} bytes`);
  }
  /** Signed LEB128 i32 (an `i32.const` immediate). */
  sleb32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) return shift < 32 && b & 0x40 ? result | (-1 << shift) : result;
    }
    return this.fail("s32 LEB128 longer than 5 bytes");
  }
  /** Signed LEB128 (s33 heap types); only skipped, so the value is not needed. */
  skipSleb(): void {
    for (let i = 0; i < 5; i++) if ((this.byte() & 0x80) === 0) return;
    this.fail("s33 LEB128 longer than 5 bytes");
  }
  skip(n: number): void {
    if (this.pos + n > this.bytes.length) this.fail("unexpected end");
    this.pos += n;
  }
  name(): void {
    this.skip(this.uleb(32));
  }
}

export interface Section {
  id: number;
  /** Offset of the section's id byte. */
  start: number;
  /** Offset of its contents (after the size). */
  contentStart: number;
  /** Offset just past it. */
  end: number;
}

/** Checks the core module header (magic, version 1); `where` names the module in errors. */
export function checkCoreHeader(wasm: Uint8Array, where: string): void {
  const head = new Reader(wasm, 0, where);
  if (wasm.length < 8 || wasm[0] !== 0x00 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) head.fail("missing \\0asm magic");
  if (wasm[4] !== 1 || wasm[5] !== 0 || wasm[6] !== 0 || wasm[7] !== 0) {
    head.fail(`version ${Array.from(wasm.subarray(4, 8)).join(" ")} is not a core module (version 1); a component must be transpiled first`);
  }
}

/** The sections of a core module, in order (the header is checked first). */
export function coreSections(wasm: Uint8Array, where: string): Section[] {
  checkCoreHeader(wasm, where);
  return sectionsAfterHeader(wasm, where);
}

/** The top-level sections of a component (layer 1, version 0x0d), in order. */
export function componentSections(wasm: Uint8Array, where: string): Section[] {
  const ok = wasm.length >= 8 && wasm[0] === 0x00 && wasm[1] === 0x61 && wasm[2] === 0x73 && wasm[3] === 0x6d && wasm[4] === 0x0d && wasm[5] === 0 && wasm[6] === 1 && wasm[7] === 0;
  if (!ok) new Reader(wasm, 0, where).fail("not a component (magic and version 0d 00 01 00)");
  return sectionsAfterHeader(wasm, where);
}

/** Section `id` with `content`, as bytes (id, size, content). */
export function sectionBytes(id: number, content: Uint8Array): Uint8Array {
  const head: number[] = [id];
  writeUleb(head, content.length);
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

function sectionsAfterHeader(wasm: Uint8Array, where: string): Section[] {
  const out: Section[] = [];
  const r = new Reader(wasm, 8, where);
  while (r.pos < wasm.length) {
    const start = r.pos;
    const id = r.byte();
    const size = r.uleb(32);
    const contentStart = r.pos;
    const end = contentStart + size;
    if (end > wasm.length) r.fail(`section ${id} runs past the end of the module`);
    out.push({ id, start, contentStart, end });
    r.pos = end;
  }
  return out;
}

export function writeUleb(out: number[], value: number): void {
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
}
