// An experiment, not used by the runtime: merges a core module's active data segments into a few
// large ones, to test whether V8's per-segment work is what makes instantiating StarlingMonkey's engine
// module (~10,000 segments, 3.65 MiB) slow. It is not (runtime/perf/README.md): the cost is the page
// faults of copying the bytes into fresh memory, and merging only adds the zero gaps. The rewrite is
// exact: only active segments of memory 0 at constant i32 offsets, ascending and non-overlapping, are
// merged, and a gap becomes the zero bytes a fresh memory holds there anyway. Renumbering is safe for
// active segments (they are dropped after instantiation, so memory.init/data.drop behave the same);
// the caller must still validate the result. Anything else leaves the module unchanged.

export interface MergeReport {
  segmentsBefore: number;
  segmentsAfter: number;
  dataBytesBefore: number;
  dataBytesAfter: number;
  /** Why the module was left as it was, when it was. */
  unchanged?: string;
}

type Segment = { offset: number; bytes: Uint8Array };

class Reader {
  pos: number;
  readonly b: Uint8Array;
  constructor(b: Uint8Array, pos = 0) { this.b = b; this.pos = pos; }
  u8(): number { return this.b[this.pos++]; }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.b[this.pos++];
      result += (byte & 0x7f) * 2 ** shift;
      if (!(byte & 0x80)) return result;
      shift += 7;
    }
  }
  /** A signed LEB128 i32 (constant expression immediates). */
  s32(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.b[this.pos++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    if (shift < 32 && byte & 0x40) result |= -1 << shift;
    return result;
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function sleb32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) { out.push(byte); return out; }
    out.push(byte | 0x80);
  }
}

/**
 * Returns the module with its active data segments merged where the gap between neighbours is at
 * most `maxGap` zero bytes (default 4 KiB: a gap costs a copy of zeros, a segment costs V8's
 * per-segment setup). The result must still be validated by the caller (WebAssembly.validate).
 */
export function mergeDataSegments(wasm: Uint8Array<ArrayBuffer>, opts: { maxGap?: number } = {}): { bytes: Uint8Array<ArrayBuffer>; report: MergeReport } {
  const maxGap = opts.maxGap ?? 4096;
  const report: MergeReport = { segmentsBefore: 0, segmentsAfter: 0, dataBytesBefore: 0, dataBytesAfter: 0 };
  const same = (why: string) => ({ bytes: wasm, report: { ...report, segmentsAfter: report.segmentsBefore, dataBytesAfter: report.dataBytesBefore, unchanged: why } });
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d || wasm[4] !== 1) return same("not a core module");

  const r = new Reader(wasm, 8);
  const sections: Array<{ id: number; start: number; end: number; bodyStart: number }> = [];
  while (r.pos < wasm.length) {
    const start = r.pos;
    const id = r.u8();
    const size = r.u32();
    sections.push({ id, start, end: r.pos + size, bodyStart: r.pos });
    r.pos += size;
  }
  const data = sections.find((s) => s.id === 11);
  if (!data) return same("no data section");

  const d = new Reader(wasm, data.bodyStart);
  const count = d.u32();
  report.segmentsBefore = count;
  const segments: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const kind = d.u32();
    if (kind !== 0) return same(`segment ${i} is not an active segment of memory 0 (kind ${kind})`);
    if (d.u8() !== 0x41) return same(`segment ${i} has a non-constant offset`);
    const offset = d.s32() >>> 0;
    if (d.u8() !== 0x0b) return same(`segment ${i} has an offset expression longer than i32.const`);
    const len = d.u32();
    segments.push({ offset, bytes: wasm.subarray(d.pos, d.pos + len) });
    report.dataBytesBefore += len;
    d.pos += len;
  }
  if (d.pos !== data.end) return same("data section size mismatch");
  for (let i = 1; i < segments.length; i++) {
    const prev = segments[i - 1];
    if (segments[i].offset < prev.offset + prev.bytes.length) return same(`segment ${i} is out of order or overlaps segment ${i - 1}`);
  }

  // Group neighbours; each group becomes one segment.
  const groups: Segment[][] = [];
  for (const s of segments) {
    const g = groups.at(-1);
    const last = g?.at(-1);
    if (g && last && s.offset - (last.offset + last.bytes.length) <= maxGap) g.push(s);
    else groups.push([s]);
  }
  const parts: number[][] = [];
  const bodies: Uint8Array[] = [];
  for (const g of groups) {
    const start = g[0].offset;
    const end = g.at(-1)!.offset + g.at(-1)!.bytes.length;
    const body = new Uint8Array(end - start);
    for (const s of g) body.set(s.bytes, s.offset - start);
    parts.push([0, 0x41, ...sleb32(start | 0), 0x0b, ...uleb(body.length)]);
    bodies.push(body);
    report.dataBytesAfter += body.length;
  }
  report.segmentsAfter = groups.length;

  let payload = uleb(groups.length).length;
  for (let i = 0; i < parts.length; i++) payload += parts[i].length + bodies[i].length;
  const header = [11, ...uleb(payload)];
  const dataCount = sections.find((s) => s.id === 12);
  const newCount = [12, ...uleb(uleb(groups.length).length), ...uleb(groups.length)];

  const chunks: Uint8Array[] = [];
  let cursor = 0;
  const copyUntil = (at: number) => { chunks.push(wasm.subarray(cursor, at)); };
  if (dataCount) {
    copyUntil(dataCount.start);
    chunks.push(Uint8Array.from(newCount));
    cursor = dataCount.end;
  }
  copyUntil(data.start);
  chunks.push(Uint8Array.from([...header, ...uleb(groups.length)]));
  for (let i = 0; i < parts.length; i++) { chunks.push(Uint8Array.from(parts[i])); chunks.push(bodies[i]); }
  cursor = data.end;
  copyUntil(wasm.length);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return { bytes: out, report };
}
