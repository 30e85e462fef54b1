// A core module held as its sections, each a list of byte views rather than one array: the build's
// rewrites of a 12 MB module (snapshot.ts, wrapper.ts) keep pointing at the engine's and the memory's
// bytes and copy them once, into the finished component, instead of once per step (on this machine a
// fresh 12 MB array costs ~40 ms in page faults alone).
import { coreSections, writeUleb } from "../../core/wasm/reader.ts";

export { concatBytes as joinParts } from "../../core/wasm/reader.ts";

export interface PartSection {
  id: number;
  /** The whole section (id byte, size, contents), as consecutive views. */
  parts: Uint8Array[];
}

export interface ModuleParts {
  /** The 8-byte magic and version. */
  header: Uint8Array;
  sections: PartSection[];
}

export const byteLength = (parts: readonly Uint8Array[]) => parts.reduce((n, p) => n + p.length, 0);

/** A section with these contents: its id and size in front of them. */
export function partSection(id: number, contents: Uint8Array[]): PartSection {
  const head: number[] = [id];
  writeUleb(head, byteLength(contents));
  return { id, parts: [new Uint8Array(head), ...contents] };
}

/** Views of the sections of `wasm` (no copy). */
export function partsOf(wasm: Uint8Array, where: string): ModuleParts {
  const sections = coreSections(wasm, where).map((s) => ({ id: s.id, parts: [wasm.subarray(s.start, s.end)] }));
  return { header: wasm.subarray(0, 8), sections };
}

/** Every view of the module, in order. */
export const flatParts = (m: ModuleParts): Uint8Array[] => [m.header, ...m.sections.flatMap((s) => s.parts)];
