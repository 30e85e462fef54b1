// A version's component bytes for a replica: from its own store, or fetched from the control plane
// (`GET /v1/artifacts/:sha256?parts=1`: the parts file plus the chunks the store lacks, or the whole
// bytes hashed as they stream) and kept only when their SHA-256 is the one the log names (the store
// write overlaps the caller's compile). A mismatch is refused and never stored or
// loaded. A `version` entry starts the download (prefetch) so the deploy that follows finds it.
import { createHash } from "node:crypto";
import type { RegionStore } from "../store/region-store.ts";

export interface ArtifactSource {
  artifact(sha256: string): Promise<Uint8Array>;
  /**
   * The bytes with the SHA-256 of what was received (hashed while they streamed in, or after the parts
   * were put together); given `localChunk`, only the chunks it lacks are downloaded.
   */
  fetchArtifact?(sha256: string, localChunk?: (sha256: string) => Uint8Array | undefined): Promise<{ bytes: Uint8Array; sha256: string }>;
}

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

export interface Artifact {
  bytes: Uint8Array;
  /** Downloaded for this use (now, or by the prefetch this use picked up), not found in the store. */
  fetched: boolean;
  /** The download was a prefetch that started before this use asked for it. */
  ahead?: boolean;
  fetchMs: number;
  /** Checking the bytes' hash (computed here, or while they streamed in) and starting their write to the store. */
  verifyMs: number;
  /** The write to the region store, which runs while the caller compiles the bytes. */
  stored: Promise<void>;
}

/** Downloads in flight per region store, by sha256: a prepare joins the prefetch of the same artifact. */
const inflight = new WeakMap<RegionStore, Map<string, Promise<Artifact>>>();
/** Artifacts a prefetch stored that no prepare has used yet. */
const prefetched = new WeakMap<RegionStore, Set<string>>();

async function download(store: RegionStore, source: ArtifactSource, sha256: string): Promise<Artifact> {
  let t = performance.now();
  const got = source.fetchArtifact
    ? await source.fetchArtifact(sha256, (chunk) => store.artifacts.chunk(chunk))
    : { bytes: await source.artifact(sha256), sha256: null };
  const { bytes } = got;
  const fetchMs = performance.now() - t;
  t = performance.now();
  const actual = got.sha256 ?? sha256Hex(bytes);
  if (actual !== sha256) throw new ArtifactMismatch(sha256, actual, bytes.byteLength);
  const stored = store.putArtifact(sha256, bytes);
  return { bytes, fetched: true, fetchMs, verifyMs: performance.now() - t, stored };
}

/**
 * The artifact's bytes: from the region store, or fetched, verified, and written to the store. A caller
 * that finds the same download in flight (a prefetch) waits for it: its fetch time is the time it waited.
 */
export async function ensureArtifact(store: RegionStore, source: ArtifactSource, sha256: string): Promise<Artifact> {
  let mine = inflight.get(store);
  if (!mine) inflight.set(store, (mine = new Map()));
  // A download in flight first: its file may be in place before it is durable (the directory's fsync);
  // joining it hands over its `stored`, so the caller still waits for that.
  const running = mine.get(sha256);
  if (running) {
    const t = performance.now();
    const a = await running;
    prefetched.get(store)?.delete(sha256);
    return { ...a, ahead: true, fetchMs: performance.now() - t, verifyMs: 0 };
  }
  const local = store.artifact(sha256);
  if (local) {
    const ahead = prefetched.get(store)?.delete(sha256) ?? false;
    return { bytes: local, fetched: ahead, ahead, fetchMs: 0, verifyMs: 0, stored: Promise.resolve() };
  }
  const p = download(store, source, sha256);
  mine.set(sha256, p);
  const forget = () => { mine.delete(sha256); };
  p.then((a) => a.stored).then(forget, forget);
  return p;
}

/**
 * Starts fetching an artifact a `version` entry names, before any deploy asks for it, so a prepare
 * that follows finds it local or on its way. Failures are left to the prepare, which fetches again.
 */
export function prefetchArtifact(store: RegionStore, source: ArtifactSource, sha256: string): void {
  if (store.artifacts.has(sha256)) return;
  let mine = prefetched.get(store);
  if (!mine) prefetched.set(store, (mine = new Set()));
  const ahead = mine.add(sha256);
  ensureArtifact(store, source, sha256).then((a) => a.stored).catch(() => { ahead.delete(sha256); });
}
