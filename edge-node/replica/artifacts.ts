// A version's component bytes for a replica: from its own store, or fetched from the control plane
// (`GET /v1/artifacts/:sha256`) and kept only when their SHA-256 is the one the log names. A
// mismatch is refused and never stored or loaded.
import { createHash } from "node:crypto";
import type { RegionStore } from "../store/region-store.ts";

export interface ArtifactSource { artifact(sha256: string): Promise<Uint8Array> }

/** The bytes received do not hash to the sha256 the log entry names: refused. */
export class ArtifactMismatch extends Error {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, size: number) {
    super(`artifact hash mismatch: expected sha256 ${expected}, received ${size} bytes with sha256 ${actual}; refused, not loaded`);
    this.expected = expected;
    this.actual = actual;
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export async function ensureArtifact(store: RegionStore, source: ArtifactSource, sha256: string): Promise<{ bytes: Uint8Array; fetched: boolean }> {
  const local = store.artifact(sha256);
  if (local) return { bytes: local, fetched: false };
  const bytes = await source.artifact(sha256);
  const actual = sha256Hex(bytes);
  if (actual !== sha256) throw new ArtifactMismatch(sha256, actual, bytes.byteLength);
  await store.putArtifact(sha256, bytes);
  return { bytes, fetched: true };
}
