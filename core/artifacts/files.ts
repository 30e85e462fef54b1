// A content-addressed store of immutable blobs (deploy artifacts) as files in one directory, named by
// their sha256 hex: a put writes a temp file, fsyncs it, renames it into place and fsyncs the directory,
// so the blob is durable before the caller commits anything that names it (a region's store skips the
// fsyncs: option `sync`, and checks each blob's bytes against its name at its first read after a
// restart: option `checkReads`). With a chunker, the large ranges every JS component shares (its engine code) are stored once as
// chunk files and a blob's own file keeps only the rest (./parts.ts): a new JS app writes ~4 MB,
// not 13. Used by the control plane (`<data>/artifacts/`) and by each region store (`<path>/artifacts/`);
// writing a blob as files costs a fraction of the CPU of an LMDB put. Data dirs of older versions kept
// artifacts in an LMDB `artifacts` db: given that db, reads fall back to it, listings include it and
// removals clear it. Optionally keeps recently put or read blobs in memory (sized in bytes), so the
// control plane answers the regions' downloads that follow an upload without reading the files back.
// One process owns the directory: opening it removes the temp files a crash left behind and the chunks
// no blob names.
import { createHash, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, unlinkSync } from "node:fs";
import { open, rename, rm, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "lmdb";
import { LRUCache } from "lru-cache";
import { chunksOf, fromParts, PARTS_SUFFIX, SHA256_RE, toParts, usableRanges, type Range } from "./parts.ts";

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
   * (under three regions writing at once it held a prepare up by ~100 ms) and relies on `checkReads`
   * to find a blob an OS crash cut short.
   */
  sync?: boolean;
  /**
   * Hash a blob at its first read in this process and drop it when its bytes do not match its name
   * (default false). For a store that is a copy (a region's: the control plane has the blob, and a
   * dropped one is fetched again). The control plane's store does not: its blobs exist nowhere else, and
   * every region checks the hash of what it downloads.
   */
  checkReads?: boolean;
  /**
   * Ranges of a blob worth storing once and sharing with other blobs (runtime/component-shape.ts
   * `largeCodeSections`: a JS component's engine code). Given, a blob with such ranges is stored as a
   * parts file plus chunk files (./parts.ts) instead of one plain file.
   */
  chunker?: (bytes: Uint8Array) => Range[];
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
  #chunks: string;
  #legacy: Database<Buffer | Uint8Array, string> | undefined;
  #cache: LRUCache<string, Buffer> | undefined;
  #chunker: ArtifactFilesOptions["chunker"];
  /** Puts in flight by sha256: a second put of the same blob waits for the first to be durable. */
  #writing = new Map<string, Promise<void>>();
  #sync: boolean;
  #checkReads: boolean;
  /** Blobs this process wrote or has read back and hashed: read again without hashing. */
  #verified = new Set<string>();

  constructor(dir: string, options: ArtifactFilesOptions = {}) {
    this.dir = dir;
    this.#chunks = join(dir, "chunks");
    this.#legacy = options.legacy;
    this.#sync = options.sync ?? true;
    this.#checkReads = options.checkReads ?? false;
    this.#chunker = options.chunker;
    mkdirSync(dir, { recursive: true, mode: 0o700 }); // chunks/ is made by the first put that has chunks
    const cacheBytes = options.cacheBytes ?? 0;
    if (cacheBytes > 0) {
      this.#cache = new LRUCache<string, Buffer>({ maxSize: cacheBytes, sizeCalculation: (b) => Math.max(1, b.byteLength) });
    }
    if (options.sweep ?? true) {
      this.sweepTemp();
      this.#sweepChunks();
    }
  }

  #path(sha256: string): string {
    return join(this.dir, sha256);
  }

  #partsPath(sha256: string): string {
    return join(this.dir, `${sha256}${PARTS_SUFFIX}`);
  }

  #stored(sha256: string): boolean {
    return existsSync(this.#path(sha256)) || existsSync(this.#partsPath(sha256)) || (this.#legacy?.doesExist(sha256) ?? false);
  }

  /**
   * Stores the blob under its sha256 (not checked against the bytes: the caller hashed them). Resolves
   * once its files are written (and, with `sync`, on disk). A no-op when the blob is already stored; a
   * put of a blob being put joins that put. The bytes are kept (not copied) by the cache: do not change them.
   */
  async put(sha256: string, bytes: Uint8Array): Promise<void> {
    check(sha256);
    const running = this.#writing.get(sha256);
    if (running) return running;
    if (!this.#stored(sha256)) {
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

  /** A plain file, or, when the chunker finds ranges, the chunks it lacks and then the parts file naming them. */
  async #write(sha256: string, bytes: Uint8Array): Promise<void> {
    const ranges = this.#chunker ? usableRanges(this.#chunker(bytes), bytes.byteLength) : [];
    if (ranges.length === 0) {
      await this.#writeFile(this.#path(sha256), [bytes]);
      if (this.#sync) await this.#syncDir(this.dir);
      return;
    }
    const { chunks, pieces } = toParts(bytes, ranges);
    mkdirSync(this.#chunks, { recursive: true, mode: 0o700 });
    for (const c of chunks) if (!existsSync(join(this.#chunks, c.sha256))) await this.#writeFile(join(this.#chunks, c.sha256), [c.bytes]);
    if (this.#sync) await this.#syncDir(this.#chunks); // the chunks are on disk before a parts file names them
    await this.#writeFile(this.#partsPath(sha256), pieces);
    if (this.#sync) await this.#syncDir(this.dir);
  }

  /** Writes a temp file (fsynced with `sync`) and renames it to `path`. */
  async #writeFile(path: string, pieces: Uint8Array[]): Promise<void> {
    const temp = `${path}${TEMP}${randomBytes(8).toString("hex")}`;
    let file: FileHandle | undefined;
    try {
      file = await open(temp, "wx", 0o600);
      let position = 0;
      for (const piece of pieces) {
        for (let at = 0; at < piece.byteLength; ) {
          const { bytesWritten } = await file.write(piece, at, piece.byteLength - at, position);
          at += bytesWritten;
          position += bytesWritten;
        }
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
  }

  /** Makes renames in `dir` durable; platforms that cannot fsync a directory refuse with EISDIR or EINVAL. */
  async #syncDir(dir: string): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(dir, "r");
      await handle.sync();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EISDIR" && code !== "EINVAL") throw err;
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /** The blob's bytes from its plain file, its parts file and chunks, or the legacy db (undefined: none, or damaged). */
  #read(sha256: string): Buffer | undefined {
    const plain = readIfExists(this.#path(sha256));
    if (plain) return plain;
    const parts = readIfExists(this.#partsPath(sha256));
    if (parts) return fromParts(parts, (chunk) => readIfExists(join(this.#chunks, chunk))) ?? undefined;
    return this.#legacy?.getBinary(sha256) ?? undefined;
  }

  /**
   * The blob's bytes (from the cache, its files, or the legacy db), or undefined. Do not change them.
   * With `checkReads`, the first read of a blob this process did not write hashes it: one whose bytes
   * do not match its name (cut short by a crash, damaged on disk) is removed and reported missing, so
   * the caller fetches it again instead of loading it. A parts file whose chunk is missing or of the
   * wrong length reads as missing either way.
   */
  get(sha256: string): Buffer | undefined {
    check(sha256);
    const cached = this.#cache?.get(sha256);
    if (cached) return cached;
    const bytes = this.#read(sha256);
    if (this.#checkReads && !this.#verified.has(sha256)) {
      if (!bytes || createHash("sha256").update(bytes).digest("hex") !== sha256) {
        if (bytes || existsSync(this.#partsPath(sha256))) this.#drop(sha256);
        return undefined;
      }
      this.#verified.add(sha256);
    }
    if (bytes) this.#cache?.set(sha256, bytes);
    return bytes;
  }

  /** Removes the blob's files and any legacy copy (not its chunks: other blobs may name them). */
  #drop(sha256: string): void {
    rmSync(this.#path(sha256), { force: true });
    rmSync(this.#partsPath(sha256), { force: true });
    if (this.#legacy?.doesExist(sha256)) this.#legacy.removeSync(sha256);
  }

  /**
   * The artifact's parts file as stored (JSON header naming its chunks, then its own bytes), or
   * undefined when it is stored whole or not at all: what a region that may hold the chunks downloads.
   */
  partsFile(sha256: string): Buffer | undefined {
    check(sha256);
    return readIfExists(this.#partsPath(sha256));
  }

  /** A chunk's bytes (named by their sha256; written once, never changed), or undefined. */
  chunk(sha256: string): Buffer | undefined {
    check(sha256);
    return readIfExists(join(this.#chunks, sha256));
  }

  has(sha256: string): boolean {
    check(sha256);
    return (this.#cache?.has(sha256) ?? false) || this.#stored(sha256);
  }

  /** Removes the blob (its files and any legacy copy; chunks no other blob names); a missing blob is fine. */
  async remove(sha256: string): Promise<void> {
    check(sha256);
    await this.#writing.get(sha256)?.catch(() => undefined);
    this.#cache?.delete(sha256);
    this.#verified.delete(sha256);
    const hadParts = existsSync(this.#partsPath(sha256));
    this.#drop(sha256);
    if (hadParts) this.#sweepChunks();
  }

  /** The sha256 of every stored blob, files and legacy db together, sorted; temp files are never listed. */
  keys(): string[] {
    const out = new Set<string>();
    for (const name of readdirSync(this.dir)) {
      const sha = name.endsWith(PARTS_SUFFIX) ? name.slice(0, -PARTS_SUFFIX.length) : name;
      if (SHA256_RE.test(sha)) out.add(sha);
    }
    if (this.#legacy) for (const key of this.#legacy.getKeys()) if (typeof key === "string" && SHA256_RE.test(key)) out.add(key);
    return [...out].sort();
  }

  /** Removes temp files a crashed put left behind; answers how many. Only while no put is running. */
  sweepTemp(): number {
    let swept = 0;
    for (const dir of [this.dir, this.#chunks]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (!name.includes(TEMP)) continue;
        try {
          unlinkSync(join(dir, name));
          swept++;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
      }
    }
    return swept;
  }

  /** Removes chunks no parts file names; not while a put runs (it may have written chunks and not yet its parts file). */
  #sweepChunks(): void {
    if (this.#writing.size > 0 || !existsSync(this.#chunks)) return;
    const named = new Set<string>();
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith(PARTS_SUFFIX)) continue;
      const head = readHeaderLine(join(this.dir, name));
      if (head) for (const chunk of chunksOf(head)) named.add(chunk);
    }
    for (const name of readdirSync(this.#chunks)) if (SHA256_RE.test(name) && !named.has(name)) rmSync(join(this.#chunks, name), { force: true });
  }

  /** Waits for the puts in flight (before closing what they may read). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.#writing.values()]);
  }
}

/** The first line of a parts file (its header) without reading its ~4 MB of bytes; undefined when missing. */
function readHeaderLine(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return undefined;
  }
  try {
    const pieces: Buffer[] = [];
    for (let at = 0; at < 1 << 20; ) {
      const piece = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, piece, 0, piece.length, at);
      if (n === 0) break;
      pieces.push(piece.subarray(0, n));
      at += n;
      if (piece.subarray(0, n).includes(0x0a)) break;
    }
    return Buffer.concat(pieces);
  } finally {
    closeSync(fd);
  }
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    return undefined;
  }
}
