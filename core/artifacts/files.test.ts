// The artifact files on a temp dir: put, get, has, keys and remove; a put is idempotent (also when two
// run at once) and leaves no temp file; a name that is not a sha256 hex is refused; a temp file a crash
// left is swept at open and never listed; an older data dir's LMDB `artifacts` db is read through, listed
// and removed from, never written; the in-memory cache serves a put blob without its file (only when on);
// with checkReads, the first read after a restart hashes a blob and drops one whose bytes do not match its name; a store
// without fsync (a region's) writes and reads the same; with a chunker, blobs that share a range store it
// once as a chunk, read back whole, and a chunk goes when no blob names it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { open, type Database } from "lmdb";
import { ArtifactFiles } from "./files.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";

const statSize = (path: string) => statSync(path).size;
const dirs: string[] = [];
const fresh = () => {
  const d = tempDir();
  dirs.push(d);
  return d;
};
const blob = (text: string) => {
  const bytes = Buffer.from(text);
  return { bytes, sha: createHash("sha256").update(bytes).digest("hex") };
};

test.after(() => {
  for (const d of dirs) removeDir(d);
});

test("put, get, has, keys and remove", async () => {
  const dir = join(fresh(), "artifacts");
  const files = new ArtifactFiles(dir);
  const [a, b] = [blob("component a"), blob("component b")];
  assert.is(files.get(a.sha), undefined);
  assert.not.ok(files.has(a.sha));
  await files.put(a.sha, a.bytes);
  await files.put(b.sha, new Uint8Array(b.bytes));
  assert.equal(files.get(a.sha), a.bytes);
  assert.ok(Buffer.isBuffer(files.get(b.sha)), "a Buffer, also when a Uint8Array was put");
  assert.ok(files.has(a.sha));
  assert.equal(readFileSync(join(dir, a.sha)), a.bytes, "one file named by the sha256");
  assert.equal(files.keys(), [a.sha, b.sha].sort());
  assert.equal(readdirSync(dir).sort(), [a.sha, b.sha].sort(), "no temp file left");
  await files.remove(a.sha);
  assert.is(files.get(a.sha), undefined);
  assert.not.ok(files.has(a.sha));
  assert.not.ok(existsSync(join(dir, a.sha)));
  await files.remove(a.sha); // missing is fine
  assert.equal(files.keys(), [b.sha]);
  const again = new ArtifactFiles(dir);
  assert.equal(again.get(b.sha), b.bytes, "read back by a new instance (as after a restart)");
});

test("put is idempotent: a stored blob is not rewritten, and concurrent puts of one blob agree", async () => {
  const dir = fresh();
  const files = new ArtifactFiles(dir);
  const a = blob("first");
  await files.put(a.sha, a.bytes);
  await files.put(a.sha, Buffer.from("other bytes under the same name"));
  assert.equal(files.get(a.sha), a.bytes, "the first bytes stay");
  const b = blob("raced");
  const other = new ArtifactFiles(dir, { sweep: false });
  await Promise.all([files.put(b.sha, b.bytes), files.put(b.sha, b.bytes), other.put(b.sha, b.bytes)]);
  assert.equal(readFileSync(join(dir, b.sha)), b.bytes);
  assert.equal(readdirSync(dir).sort(), [a.sha, b.sha].sort(), "one file each, no temp file left");
});

test("a name that is not a sha256 hex is refused (it is a path component)", async () => {
  const files = new ArtifactFiles(fresh());
  const a = blob("x");
  for (const bad of ["../escape", "abc", a.sha.toUpperCase(), a.sha + "0", a.sha.slice(1), `${a.sha.slice(0, 63)}/`, `${a.sha}.tmp-1`]) {
    const refused = await files.put(bad, a.bytes).then(() => null, (e: Error) => e);
    assert.match(String(refused?.message), /not an artifact sha256/, `put ${bad}`);
    assert.throws(() => files.get(bad), /not an artifact sha256/);
    assert.throws(() => files.has(bad), /not an artifact sha256/);
    assert.ok(await files.remove(bad).then(() => false, () => true), `remove ${bad}`);
  }
  assert.equal(readdirSync(files.dir), []);
});

test("a temp file left by a crash is never listed and is swept at open", async () => {
  const dir = fresh();
  const a = blob("kept");
  await new ArtifactFiles(dir).put(a.sha, a.bytes);
  const leftover = `${blob("half written").sha}.tmp-0123abcd`;
  writeFileSync(join(dir, leftover), "half");
  const unswept = new ArtifactFiles(dir, { sweep: false });
  assert.equal(unswept.keys(), [a.sha], "not listed");
  assert.ok(existsSync(join(dir, leftover)));
  const opened = new ArtifactFiles(dir);
  assert.not.ok(existsSync(join(dir, leftover)), "swept at open");
  assert.equal(opened.keys(), [a.sha]);
  writeFileSync(join(dir, leftover), "half");
  assert.is(opened.sweepTemp(), 1);
  assert.equal(readdirSync(dir), [a.sha]);
});

test("an older data dir's LMDB artifacts db is read through, listed and removed from, never written", async () => {
  const dir = fresh();
  const env = open({ path: join(dir, "lmdb"), maxDbs: 2 });
  try {
    const legacy: Database<Buffer, string> = env.openDB<Buffer, string>({ name: "artifacts", encoding: "binary" });
    const old = blob("uploaded by an older version");
    await legacy.put(old.sha, old.bytes);
    const files = new ArtifactFiles(join(dir, "artifacts"), { legacy });
    assert.ok(files.has(old.sha));
    assert.equal(files.get(old.sha), old.bytes);
    await files.put(old.sha, old.bytes);
    assert.not.ok(existsSync(join(files.dir, old.sha)), "already stored (in the legacy db): no file written");
    const now = blob("uploaded now");
    await files.put(now.sha, now.bytes);
    assert.not.ok(legacy.doesExist(now.sha), "new blobs go to files only");
    assert.ok(existsSync(join(files.dir, now.sha)));
    assert.equal(files.keys(), [old.sha, now.sha].sort());
    await files.remove(old.sha);
    assert.not.ok(legacy.doesExist(old.sha));
    assert.is(files.get(old.sha), undefined);
    assert.equal(files.keys(), [now.sha]);
  } finally {
    await env.close();
  }
});

test("the cache serves a put blob without its file when on, and not when off", async () => {
  const a = blob("cached");
  const cached = new ArtifactFiles(fresh(), { cacheBytes: 1 << 20 });
  await cached.put(a.sha, a.bytes);
  unlinkSync(join(cached.dir, a.sha)); // behind its back
  assert.is(cached.get(a.sha), a.bytes, "the very buffer that was put, no copy");
  assert.ok(cached.has(a.sha));
  await cached.remove(a.sha);
  assert.is(cached.get(a.sha), undefined, "remove clears the cache too");

  const b = blob("read once");
  const reader = new ArtifactFiles(fresh(), { cacheBytes: 1 << 20 });
  await new ArtifactFiles(reader.dir, { sweep: false }).put(b.sha, b.bytes);
  assert.equal(reader.get(b.sha), b.bytes);
  unlinkSync(join(reader.dir, b.sha));
  assert.equal(reader.get(b.sha), b.bytes, "a read is cached as well");

  const uncached = new ArtifactFiles(fresh());
  await uncached.put(a.sha, a.bytes);
  unlinkSync(join(uncached.dir, a.sha));
  assert.is(uncached.get(a.sha), undefined, "cacheBytes 0: no cache");
  assert.not.ok(uncached.has(a.sha));
});

test("with checkReads, the first read after a restart drops a blob whose bytes do not match its name; later reads trust it", async () => {
  const dir = join(fresh(), "artifacts");
  const [good, cut] = [blob("a whole component"), blob("a component cut short by an OS crash")];
  const before = new ArtifactFiles(dir, { sync: false, checkReads: true });
  await before.put(good.sha, good.bytes);
  await before.put(cut.sha, cut.bytes);
  writeFileSync(join(dir, cut.sha), cut.bytes.subarray(0, 5)); // what an unsynced write can leave
  assert.equal(before.get(cut.sha), cut.bytes.subarray(0, 5), "this process wrote it: not hashed again");

  const after = new ArtifactFiles(dir, { sync: false, checkReads: true }); // a restarted process
  assert.equal(after.get(good.sha), good.bytes);
  assert.is(after.get(cut.sha), undefined, "reported missing: the caller fetches it again");
  assert.not.ok(existsSync(join(dir, cut.sha)), "and removed");
  assert.equal(after.keys(), [good.sha]);
  await after.put(cut.sha, cut.bytes);
  assert.equal(after.get(cut.sha), cut.bytes, "fetched again and stored");
});

test("with a chunker, a shared range is stored once; blobs read back whole; a chunk goes with the last blob naming it", async () => {
  const dir = join(fresh(), "artifacts");
  const shared = Buffer.alloc(4096, 7);
  const make = (head: string, tail: string) => {
    const bytes = Buffer.concat([Buffer.from(head), shared, Buffer.from(tail)]);
    return { bytes, sha: createHash("sha256").update(bytes).digest("hex"), range: { start: head.length, end: head.length + shared.length } };
  };
  const [a, b] = [make("app a:", ":one"), make("the app b:", ":two, longer")];
  const ranges = new Map([[a.sha, a.range], [b.sha, b.range]]);
  const chunker = (bytes: Uint8Array) => [ranges.get(createHash("sha256").update(bytes).digest("hex"))!];
  const files = new ArtifactFiles(dir, { chunker });
  await files.put(a.sha, a.bytes);
  await files.put(b.sha, b.bytes);
  assert.equal(readdirSync(join(dir, "chunks")), [createHash("sha256").update(shared).digest("hex")], "one chunk for both");
  assert.ok(statSize(join(dir, `${a.sha}.parts`)) < a.bytes.length, "a blob's own file keeps only the rest");
  assert.equal(files.keys(), [a.sha, b.sha].sort());

  const again = new ArtifactFiles(dir, { chunker }); // a restart: reads are reassembled and checked
  assert.equal(again.get(a.sha), a.bytes);
  assert.equal(again.get(b.sha), b.bytes);
  await again.remove(a.sha);
  assert.is(readdirSync(join(dir, "chunks")).length, 1, "b still names the chunk");
  await again.remove(b.sha);
  assert.equal(readdirSync(join(dir, "chunks")), [], "nothing names it any more");
  assert.equal(again.keys(), []);
});

test("with checkReads, a blob whose chunk is damaged is dropped at its first read after a restart", async () => {
  const dir = join(fresh(), "artifacts");
  const bytes = Buffer.concat([Buffer.from("head"), Buffer.alloc(2048, 3), Buffer.from("tail")]);
  const sha = createHash("sha256").update(bytes).digest("hex");
  const chunker = () => [{ start: 4, end: 2052 }];
  await new ArtifactFiles(dir, { chunker }).put(sha, bytes);
  const [chunk] = readdirSync(join(dir, "chunks"));
  writeFileSync(join(dir, "chunks", chunk), Buffer.alloc(2048, 9)); // same length, other bytes
  assert.equal(new ArtifactFiles(dir, { chunker, sweep: false }).get(sha), Buffer.concat([Buffer.from("head"), Buffer.alloc(2048, 9), Buffer.from("tail")]), "without checkReads: read as stored (the control plane; regions check what they download)");
  const after = new ArtifactFiles(dir, { chunker, sweep: false, checkReads: true });
  assert.is(after.get(sha), undefined);
  assert.not.ok(after.has(sha), "its parts file was removed");
});

test.run();
