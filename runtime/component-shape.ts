// A component's "shape": everything jco's transpile output depends on except the contents of its
// top-level core modules. Every JS app built by one toolchain has the same shape (the user's code
// lives in the engine module's data), so a region that transpiled one such app can serve the next
// by extracting the core modules from the component and reusing the glue it generated itself: no
// jco run (~1 s for a 13 MB component), and no JS from elsewhere. The key covers every component-
// level byte and, for each core module, its type, import, function and export sections.
import { createHash } from "node:crypto";

const MAGIC = [0x00, 0x61, 0x73, 0x6d];
const COMPONENT_VERSION = [0x0d, 0x00, 0x01, 0x00];
const CORE_MODULE = 1;
const SIGNATURE_SECTIONS = new Set([1, 2, 3, 7]); // type, import, function, export
const CODE_SECTION = 10;

function leb(b: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (let i = at; i < b.length; i++) {
    value += (b[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b[i] & 0x80)) return [value, i + 1];
  }
  throw new Error("truncated LEB128");
}

function* sections(b: Uint8Array, from: number): Generator<{ id: number; head: number; start: number; end: number }> {
  let at = from;
  while (at < b.length) {
    const [size, start] = leb(b, at + 1);
    const end = start + size;
    if (end > b.length) throw new Error("section past the end");
    yield { id: b[at], head: at, start, end };
    at = end;
  }
}

export interface ComponentShape {
  key: string;
  /** The top-level core modules in order of appearance (views into the component's bytes). */
  coreModules: Uint8Array[];
}

/** The shape of a component, or null when the bytes are not a component it can read. */
export function componentShape(bytes: Uint8Array): ComponentShape | null {
  if (bytes.length < 8 || MAGIC.some((v, i) => bytes[i] !== v) || COMPONENT_VERSION.some((v, i) => bytes[4 + i] !== v)) return null;
  try {
    const hash = createHash("sha256");
    const coreModules: Uint8Array[] = [];
    for (const s of sections(bytes, 8)) {
      if (s.id !== CORE_MODULE) {
        hash.update(bytes.subarray(s.head, s.end));
        continue;
      }
      const module = bytes.subarray(s.start, s.end);
      coreModules.push(module);
      hash.update(`core module ${coreModules.length}\0`);
      for (const m of sections(module, 8)) if (SIGNATURE_SECTIONS.has(m.id)) hash.update(module.subarray(m.head, m.end));
    }
    return { key: hash.digest("hex"), coreModules };
  } catch {
    return null;
  }
}

/**
 * The code sections of a component's top-level core modules that are at least `minBytes` long, as
 * byte ranges of the component (section header included): what stays the same from one app to the
 * next built by the same toolchain (the engine), worth storing once. None for bytes that are not a
 * component it can read.
 */
export function largeCodeSections(bytes: Uint8Array, minBytes: number = 1 << 20): Array<{ start: number; end: number }> {
  if (bytes.length < 8 || MAGIC.some((v, i) => bytes[i] !== v) || COMPONENT_VERSION.some((v, i) => bytes[4 + i] !== v)) return [];
  try {
    const out: Array<{ start: number; end: number }> = [];
    for (const s of sections(bytes, 8)) {
      if (s.id !== CORE_MODULE) continue;
      const module = bytes.subarray(s.start, s.end);
      for (const m of sections(module, 8)) if (m.id === CODE_SECTION && m.end - m.head >= minBytes) out.push({ start: s.start + m.head, end: s.start + m.end });
    }
    return out;
  } catch {
    return [];
  }
}
