// A content-addressed store of immutable blobs (deploy artifacts) as files in one directory, named by
// their sha256 hex: a put writes a temp file, fsyncs it, renames it into place and fsyncs the directory,
// so the blob is durable before the caller commits anything that names it (a region's store skips the
// fsyncs: option `sync`), and the first read of a blob after a restart checks its bytes against its name. Used by the control plane
// (`<data>/artifacts/`) and by each region store (`<path>/artifacts/`): writing a 13 MB blob as a file
// costs a fraction of the CPU of an LMDB put. Data dirs of older versions kept artifacts in an LMDB
// `artifacts` db: given that db, reads fall back to it, listings include it and removals clear it.
// Optionally keeps recently put or read blobs in memory (sized in bytes), so the control plane answers
// the regions' downloads that follow an upload without reading the file back. One process owns the
// directory: opening it removes the temp files a crash left behind.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "lmdb";
import { LRUCache } from "lru-cache";

const SHA256_RE = /^[0-9a-f]{64}$/;
const TEMP = ".tmp-";

export interface ArtifactFilesOptions {
  /** The LMDB `artifacts` db of older data dirs (sha256 -> bytes): read, listed and removed, never written. */
  legacy?: Database<Buffer | Uint8Array, string>;
  /** Bytes of recently put or read blobs kept in memory; 0 (the default) keeps none. */
  cacheBytes?: number;
  /** Remove temp files left by a crash when opening (default true). */
  sweep?: boolean;
  /**
   * fsync each blob and the directory before a put resolves (default true: the control plane, whose
   * blobs exist nowhere else). A region's blobs are a copy of the control plane's: it skips the fsync
   * (under three regions writing at once it held a prepare up by ~100 ms) and relies on the check
   * every first read makes (below) to find a blob an OS crash cut short.
   */
  sync?: boolean;
}

function check(sha256: string): string {
  if (typeof sha256 !== "string" || !SHA256_RE.test(sha256)) {
    throw new Error(`not an artifact sha256 (64 lowercase hex digits): ${JSON.stringify(sha256)}`);
  }
  return sha256;
}

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

export class ArtifactFiles {
  readonly dir: string;
  #legacy: Database<Buffer | Uint8Array, string> | undefined;
  #cache: LRUCache<string, Buffer> | undefined;
  /** Puts in flight by sha256: a second put of the same blob waits for the first to be durable. */
  #writing = new Map<string, Promise<void>>();
  #sync: boolean;
  /** Blobs this process wrote or has read back and hashed: read again without hashing. */
  #verified = new Set<string>();

  constructor(dir: string, options: ArtifactFilesOptions = {}) {
    this.dir = dir;
    this.#legacy = options.legacy;
    this.#sync = options.sync ?? true;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const cacheBytes = options.cacheBytes ?? 0;
    if (cacheBytes > 0) {
      this.#cache = new LRUCache<string, Buffer>({ maxSize: cacheBytes, sizeCalculation: (b) => Math.max(1, b.byteLength) });
    }
    if (options.sweep ?? true) this.sweepTemp();
  }

  #path(sha256: string): string {
    return join(this.dir, sha256);
  }

  /**
   * Stores the blob under its sha256 (not checked against the bytes: the caller hashed them). Resolves
   * once the file and its directory entry are on disk. A no-op when the blob is already stored; a put
   * of a blob being put joins that put. The bytes are kept (not copied) by the cache: do not change them.
   */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    check(sha256);
    const running = this.#writing.get(sha256);
    if (running) return running;
    if (!existsSync(this.#path(sha256)) && !this.#legacy?.doesExist(sha256)) {
      const write = this.#write(sha256, bytes);
      this.#writing.set(sha256, write);
      try {
        await write;
      } finally {
        this.#writing.delete(sha256);
      }
    }
    this.#verified.add(sha256);
    this.#cache?.set(sha256, asBuffer(bytes));
  }

  async #write(sha256: string, bytes: Uint8Array): Promise<void> {
    const path = this.#path(sha256);
    const temp = `${path}${TEMP}${randomBytes(8).toString("hex")}`;
    let file: FileHandle | undefined;
    try {
      file = await open(temp, "wx", 0o600);
      for (let at = 0; at < bytes.byteLength; ) {
        const { bytesWritten } = await file.write(bytes, at, bytes.byteLength - at, at);
        at += bytesWritten;
      }
      if (this.#sync) await file.sync();
      await file.close();
      file = undefined;
      await rename(temp, path);
    } catch (err) {
      await file?.close().catch(() => undefined);
      await rm(temp, { force: true }).catch(() => undefined);
      throw err;
    }
    if (this.#sync) await this.#syncDir();
  }

  /** Makes the rename durable; platforms that cannot fsync a directory refuse with EISDIR or EINVAL. */
  async #syncDir(): Promise<void> {
    let dir: FileHandle | undefined;
    try {
      dir = await open(this.dir, "r");
      await dir.sync();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EISDIR" && code !== "EINVAL") throw err;
    } finally {
      await dir?.close().catch(() => undefined);
    }
  }

  /**
   * The blob's bytes (from the cache, its file, or the legacy db), or undefined. Do not change them.
   * The first read of a blob this process did not write hashes it: one whose bytes do not match its
   * name (cut short by a crash, damaged on disk) is removed and reported missing, so the caller
   * fetches it again instead of loading it.
   */
  get(sha256: string): Buffer | undefined {
    check(sha256);
    const cached = this.#cache?.get(sha256);
    if (cached) return cached;
    let bytes: Buffer | undefined;
    let fromFile = true;
    try {
      bytes = readFileSync(this.#path(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      fromFile = false;
      bytes = this.#legacy?.getBinary(sha256) ?? undefined;
    }
    if (!bytes) return undefined;
    if (!this.#verified.has(sha256)) {
      if (createHash("sha256").update(bytes).digest("hex") !== sha256) {
        if (fromFile) rmSync(this.#path(sha256), { force: true });
        else this.#legacy?.removeSync(sha256);
        return undefined;
      }
      this.#verified.add(sha256);
    }
    this.#cache?.set(sha256, bytes);
    return bytes;
  }

  has(sha256: string): boolean {
    check(sha256);
    return (this.#cache?.has(sha256) ?? false) || existsSync(this.#path(sha256)) || (this.#legacy?.doesExist(sha256) ?? false);
  }

  /** Removes the blob (its file and any legacy copy); a missing blob is fine. */
  async remove(sha256: string): Promise<void> {
    check(sha256);
    await this.#writing.get(sha256)?.catch(() => undefined);
    this.#cache?.delete(sha256);
    this.#verified.delete(sha256);
    await rm(this.#path(sha256), { force: true });
    if (this.#legacy?.doesExist(sha256)) await this.#legacy.remove(sha256);
  }

  /** The sha256 of every stored blob, files and legacy db together, sorted; temp files are never listed. */
  keys(): string[] {
    const out = new Set(readdirSync(this.dir).filter((name) => SHA256_RE.test(name)));
    if (this.#legacy) for (const key of this.#legacy.getKeys()) if (typeof key === "string" && SHA256_RE.test(key)) out.add(key);
    return [...out].sort();
  }

  /** Removes temp files a crashed put left behind; answers how many. Only while no put is running. */
  sweepTemp(): number {
    let swept = 0;
    for (const name of readdirSync(this.dir)) {
      if (!name.includes(TEMP)) continue;
      try {
        unlinkSync(join(this.dir, name));
        swept++;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    return swept;
  }

  /** Waits for the puts in flight (before closing what they may read). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#writing.values()]);
  }
}
