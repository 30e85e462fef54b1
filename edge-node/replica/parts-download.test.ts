// A region's artifact download against a real control plane (in process, real HTTP): an artifact the
// control plane keeps in parts comes as its parts file plus only the chunks the region lacks; a damaged
// local chunk falls back to one whole download; a corrupted stored artifact still fails the region's hash
// check; a chunk is refused to a wrong token.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { startCp } from "../../testkit/control-plane.ts";
import { call } from "../../testkit/http.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";
import { REGION } from "../../testkit/tokens.ts";
import { largeCodeSections } from "../../runtime/component-shape.ts";
import { HttpControlPlane } from "./cp-client.ts";

/** A component (as far as its layout goes: nobody compiles it here) whose one core module has a large code section. */
function component(code: Buffer, tail: string): Buffer {
  const leb = (n: number) => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return Buffer.from(out); };
  const section = (id: number, body: Buffer) => Buffer.concat([Buffer.from([id]), leb(body.length), body]);
  const core = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), section(10, code), section(0, Buffer.concat([leb(4), Buffer.from("tail"), Buffer.from(tail)]))]);
  return Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]), section(1, core)]);
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function uploadComponent(url: string, app: string, bytes: Buffer): Promise<string> {
  const manifest = { manifestVersion: 1, name: app, kind: "js", sha256: sha(bytes), size: bytes.length, routes: [], kvNamespaces: [] };
  const res = await call(url, "POST", `/v1/apps/${app}/versions`, { msgpack: { manifest, component: bytes } });
  assert.is(res.status, 201, JSON.stringify(res.body));
  return sha(bytes);
}

test("parts file + only the missing chunks; damaged local chunk → whole download; wrong token refused", async () => {
  const dir = tempDir();
  const cp = await startCp({ dataDir: dir });
  const client = new HttpControlPlane(cp.url, REGION);
  try {
    const engine = Buffer.alloc(2 << 20, 0x5a); // the large code section both apps share
    const [a, b] = [component(engine, "app a"), component(engine, "app b, another")];
    const [shaA, shaB] = [await uploadComponent(cp.url, "pa", a), await uploadComponent(cp.url, "pb", b)];
    const chunks = new Map<string, Uint8Array>();
    const local = (c: string) => chunks.get(c);

    const first = await client.fetchArtifact(shaA, local);
    assert.equal(Buffer.from(first.bytes), a);
    assert.is(first.sha256, shaA);
    assert.ok(first.received > engine.length, `no chunk held yet: the engine came over the wire (${first.received} bytes)`);
    const [range] = largeCodeSections(a); // what the control plane stored as a chunk (the region's store keeps the same)
    const engineSha = sha(a.subarray(range.start, range.end));
    chunks.set(engineSha, a.subarray(range.start, range.end));

    const second = await client.fetchArtifact(shaB, local);
    assert.equal(Buffer.from(second.bytes), b);
    assert.is(second.sha256, shaB);
    assert.ok(second.received < 1000, `only the parts file: ${second.received} bytes`);

    chunks.set(engineSha, Buffer.alloc(chunks.get(engineSha)!.length, 1)); // damaged on disk
    const again = await client.fetchArtifact(shaB, local);
    assert.equal(Buffer.from(again.bytes), b, "the whole artifact, downloaded once more");
    assert.ok(again.received >= b.length);

    assert.equal(Buffer.from((await client.fetchArtifact(shaA)).bytes), a, "without a chunk store: whole");
    const refused = await call(cp.url, "GET", `/v1/chunks/${engineSha}`, { token: "wrong" });
    assert.is(refused.status, 401);
  } finally {
    await client.close();
    await cp.close();
    removeDir(dir);
  }
});

test.run();
