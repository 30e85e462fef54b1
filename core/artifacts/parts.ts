// The "parts" form of a stored artifact: the blob cut at ranges worth sharing between blobs (a JS
// component's engine code, ~9 MB of its ~13, is the same bytes in every app built by one toolchain),
// each range stored once as a chunk file named by its sha256, and the rest kept in the artifact's own
// file. The file is one JSON header line, `{"size":N,"parts":[["lit",len] | ["chunk",sha256,len], ...]}`,
// followed by the literal parts' bytes in order. Reassembling checks every length; the caller checks
// the whole blob's hash as it does for a plain file.
import { createHash } from "node:crypto";

export const PARTS_SUFFIX = ".parts";
/** The media type of a parts file on the wire (`GET /v1/artifacts/:sha256?parts=1`). */
export const PARTS_MEDIA_TYPE = "application/x-outpost-artifact-parts";
/** A sha256 in hex, as artifacts and chunks are named. */
export const SHA256_RE = /^[0-9a-f]{64}$/;
/** Far above any upload limit; a header naming more is not a parts file. */
const MAX_BLOB_BYTES = 2 ** 32;

type Part = ["lit", number] | ["chunk", string, number];

export interface Chunk {
  sha256: string;
  bytes: Uint8Array;
}

export interface Range {
  start: number;
  end: number;
}

/** Sorted, inside the blob, non-overlapping, non-empty: what `toParts` may cut at (others are ignored). */
export function usableRanges(ranges: readonly Range[], size: number): Range[] {
  const out: Range[] = [];
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    if (!Number.isSafeInteger(r.start) || !Number.isSafeInteger(r.end) || r.start < 0 || r.end > size || r.end <= r.start) continue;
    if (last && r.start < last.end) continue;
    out.push(r);
  }
  return out;
}

/** The chunks to store and the pieces of the artifact's own file (header, then literal bytes). */
export function toParts(bytes: Uint8Array, ranges: readonly Range[]): { chunks: Chunk[]; pieces: Uint8Array[] } {
  const parts: Part[] = [];
  const literals: Uint8Array[] = [];
  const chunks: Chunk[] = [];
  let at = 0;
  const literal = (end: number) => {
    if (end <= at) return;
    parts.push(["lit", end - at]);
    literals.push(bytes.subarray(at, end));
  };
  for (const r of ranges) {
    literal(r.start);
    const chunk = bytes.subarray(r.start, r.end);
    const sha256 = createHash("sha256").update(chunk).digest("hex");
    chunks.push({ sha256, bytes: chunk });
    parts.push(["chunk", sha256, chunk.byteLength]);
    at = r.end;
  }
  literal(bytes.byteLength);
  const header = Buffer.from(`${JSON.stringify({ size: bytes.byteLength, parts })}\n`);
  return { chunks, pieces: [header, ...literals] };
}

function header(file: Uint8Array): { size: number; parts: Part[]; body: number } | null {
  const nl = file.indexOf(0x0a);
  if (nl < 0) return null;
  try {
    const h = JSON.parse(Buffer.from(file.buffer, file.byteOffset, nl).toString("utf8")) as { size?: unknown; parts?: unknown };
    if (!Number.isSafeInteger(h.size) || !Array.isArray(h.parts)) return null;
    for (const p of h.parts as unknown[]) {
      const ok = Array.isArray(p) && ((p[0] === "lit" && p.length === 2 && Number.isSafeInteger(p[1])) ||
        (p[0] === "chunk" && p.length === 3 && typeof p[1] === "string" && SHA256_RE.test(p[1]) && Number.isSafeInteger(p[2])));
      if (!ok) return null;
    }
    // The parts' lengths must add up to the size (so a header can never ask for more memory than its parts name).
    const lengths = (h.parts as Part[]).reduce((n, p) => n + (p[0] === "lit" ? p[1] : p[2]), 0);
    if (lengths !== h.size || (h.size as number) > MAX_BLOB_BYTES || (h.parts as Part[]).some((p) => (p[0] === "lit" ? p[1] : p[2]) < 0)) return null;
    return { size: h.size as number, parts: h.parts as Part[], body: nl + 1 };
  } catch {
    return null;
  }
}

/** The chunks a parts file names (none when its header is unreadable). */
export function chunksOf(file: Uint8Array): string[] {
  return (header(file)?.parts ?? []).flatMap((p) => (p[0] === "chunk" ? [p[1]] : []));
}

/** The blob a parts file describes, or null when the header, a length or a chunk does not fit. */
export function fromParts(file: Uint8Array, readChunk: (sha256: string) => Uint8Array | undefined): Buffer | null {
  const h = header(file);
  if (!h) return null;
  const out = Buffer.allocUnsafe(h.size);
  let at = 0;
  let lit = h.body;
  for (const p of h.parts) {
    const piece = p[0] === "lit" ? file.subarray(lit, (lit += p[1])) : readChunk(p[1]);
    const length = p[0] === "lit" ? p[1] : p[2];
    if (!piece || piece.byteLength !== length || at + length > h.size) return null;
    out.set(piece, at);
    at += length;
  }
  return at === h.size && lit === file.byteLength ? out : null;
}
