// End to end, the web API fixes of sdk/guest/web in a real component: the fixture app (fixtures/web-app)
// built by `outpost build` and served by a real edge node gives workerd's answers for Response.clone
// (the original sent after a clone too), TextDecoderStream / TextEncoderStream, a multipart body with a
// binary file read by request.formData() and round-tripped, and the smaller fixes; and throwIfAborted()
// on an aborted signal no longer traps the instance.
import { join } from "node:path";
import { FormData as UndiciFormData, request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { outpostBuild } from "../../../testkit/cli.ts";
import { ROOT } from "../../../testkit/paths.ts";
import { startNode, type Running } from "../../../testkit/process.ts";
import { removeDir, tempDir } from "../../../testkit/temp.ts";

const APP = join(import.meta.dirname, "fixtures", "web-app");

type Ctx = { dir: string; node: Running };
const web = suite<Ctx>("the guest runtime's web API fixes in a served app");

web.before(async (ctx) => {
  ctx.dir = tempDir("outpost-web-");
  const dist = join(ctx.dir, "dist");
  await outpostBuild(APP, dist);
  ctx.node = await startNode(["--port", "0", "--threads", "1", "--quiet", "--cache-dir", join(ctx.dir, "cache"), dist], { cwd: ROOT, timeoutMs: 120_000 });
});

web.after(async (ctx) => {
  await ctx.node?.stop();
  removeDir(ctx.dir);
});

async function call(ctx: Ctx, method: string, path: string, body?: UndiciFormData | Uint8Array) {
  const res = await request(ctx.node.url + path, { method: method as "GET", body, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const bytes = new Uint8Array(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, bytes, text: new TextDecoder().decode(bytes) };
}

async function json(ctx: Ctx, method: string, path: string, body?: UndiciFormData | Uint8Array): Promise<unknown> {
  const r = await call(ctx, method, path, body);
  assert.is(r.status, 200, r.text);
  return JSON.parse(r.text);
}

web("request.formData() keeps a binary file's bytes, name and type, and a Response round trip does too", async (ctx) => {
  const bin = Uint8Array.from({ length: 256 }, (_, i) => i);
  const form = new UndiciFormData();
  form.append("note", "héllo");
  form.append("x", new Blob(["x"], { type: "text/plain" }), "x.txt");
  form.append("bin", new Blob([bin], { type: "application/octet-stream" }), "b.bin");
  const entries = [
    ["note", "héllo"],
    ["x", { file: "x.txt", type: "text/plain", hex: "78" }],
    ["bin", { file: "b.bin", type: "application/octet-stream", hex: Buffer.from(bin).toString("hex") }],
  ];
  assert.equal(await json(ctx, "POST", "/form", form), { request: entries, roundTrip: entries });
});

web("Response.clone: both bodies, status, headers; a used body refused; the original sent after a clone", async (ctx) => {
  assert.equal(await json(ctx, "GET", "/clone"), ["twice", "twice", "twice", 203, "Partial", "v", true, "TypeError"]);
  const r = await call(ctx, "GET", "/clone-original");
  assert.equal([r.status, r.headers["x-o"], r.text], [200, "1", "streamed original"]);
});

web("TextDecoderStream over a request body and across chunk boundaries; TextEncoderStream as a response body", async (ctx) => {
  assert.equal(await json(ctx, "POST", "/decode", new TextEncoder().encode("h€llo 😀")), { text: "h€llo 😀", split: ["a", "€"] });
  const r = await call(ctx, "GET", "/encode");
  assert.is(Buffer.from(r.bytes).toString("hex"), "61f09f988062");
});

web("navigator, URL.parse/canParse, bytes(), blob() type, AbortSignal fixes, ReadableStream.from; no trap", async (ctx) => {
  const expected = {
    navigator: ["Cloudflare-Workers", 1, "en"],
    url: [true, false, "https://a.b/p", null],
    bytes: [97, 98],
    blobType: "text/plain",
    abort: ["AbortError", true, "later", "RangeError"],
    fromGen: [1, 2],
  };
  assert.equal(await json(ctx, "GET", "/misc"), expected);
  assert.equal(await json(ctx, "GET", "/misc"), expected, "the same instance answers again");
  assert.not.match(ctx.node.output(), /trapped|uncaught/);
});

web.run();
