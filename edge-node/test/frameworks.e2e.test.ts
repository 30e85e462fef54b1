// End to end, routers and frameworks written for Workers run unchanged: the notes example
// (examples/notes: itty-router's AutoRouter, `export default router`, notes in KV) and the hono-app
// fixture (a plain Hono app, `export default app`, c.env / c.req / c.json / c.executionCtx, hono/cors,
// hono/streaming), built by `outpost build` and served by a real region behind a real control plane.
// Every route of the notes API, its 400/404/413 JSON errors and what it stored in KV; Hono's params,
// query, headers, JSON bodies, KV, waitUntil, streamed responses, CORS, notFound and onError.
import { join } from "node:path";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { call } from "../../testkit/http.ts";
import { buildApp, Cluster, deployBuilt } from "../../testkit/cluster.ts";
import { eventually } from "../../testkit/wait.ts";
import { ROOT } from "../../testkit/paths.ts";

interface Ctx { cluster: Cluster; base: string }
const fw = suite<Ctx>("itty-router and Hono apps on a region");

fw.before(async (ctx) => {
  ctx.cluster = new Cluster({ prefix: "outpost-frameworks-", regions: ["eu"], nodeArgs: ["--quiet"] });
  const out = join(ctx.cluster.dir, "apps");
  const [notes, hono] = await Promise.all([
    buildApp("notes", out, join(ROOT, "examples", "notes")),
    buildApp("hono-app", out),
    ctx.cluster.start(),
  ]);
  await deployBuilt(ctx.cluster, notes);
  await deployBuilt(ctx.cluster, hono);
  ctx.base = ctx.cluster.regions.eu.url;
});

fw.after(async (ctx) => { await ctx.cluster?.stop(); });

type Res = { status: number; headers: Record<string, string | string[] | undefined>; body: any; text: string };

async function http(ctx: Ctx, method: string, path: string, body?: string | Buffer | object, headers: Record<string, string> = {}): Promise<Res> {
  const payload = Buffer.isBuffer(body) || typeof body !== "object" ? body : JSON.stringify(body);
  const res = await request(ctx.base + path, { method: method as "GET", body: payload, headers, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const text = await res.body.text();
  let parsed: unknown = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.statusCode, headers: res.headers, body: parsed, text };
}

/** Asserts an error answer: status, JSON content type and `{error, message}` with the message matching. */
function refused(what: string, r: Res, status: number, error: string, message: RegExp): void {
  assert.is(r.status, status, `${what}: ${r.text}`);
  assert.match(String(r.headers["content-type"]), /application\/json/, what);
  assert.is(r.body?.error, error, `${what}: ${r.text}`);
  assert.match(r.body.message, message, what);
}

fw("notes (itty-router): create, read, replace, list with pages, delete", async (ctx) => {
  assert.equal((await http(ctx, "GET", "/notes")).body, { notes: [] });
  const created = await http(ctx, "PUT", "/notes/groceries", { title: "Groceries", body: "eggs, milk" });
  assert.is(created.status, 201, created.text);
  assert.match(String(created.headers["content-type"]), /application\/json/);
  assert.is(created.body.id, "groceries");
  assert.is(created.body.title, "Groceries");
  assert.ok(!Number.isNaN(Date.parse(created.body.updatedAt)), created.text);

  const read = await http(ctx, "GET", "/notes/groceries");
  assert.is(read.status, 200, read.text);
  assert.equal(read.body, { id: "groceries", title: "Groceries", body: "eggs, milk", updatedAt: created.body.updatedAt });

  const replaced = await http(ctx, "PUT", "/notes/groceries", { title: "Shopping", body: "eggs, milk, bread" });
  assert.is(replaced.status, 200, "replacing answers 200, not 201");
  assert.is((await http(ctx, "GET", "/notes/groceries")).body.body, "eggs, milk, bread");

  // Stored as KV: the value is {title, body}, the metadata {title, updatedAt} (the control plane's view).
  const kv = await call(ctx.cluster.cp.url, "GET", "/v1/kv/notes-NOTES/note:groceries", { headers: { accept: "application/x-msgpack" } });
  assert.is(kv.status, 200);
  assert.equal(JSON.parse(Buffer.from(kv.body.value).toString()), { title: "Shopping", body: "eggs, milk, bread" });
  assert.equal(kv.body.metadata, { title: "Shopping", updatedAt: replaced.body.updatedAt });

  for (const id of ["a-1", "b-2", "c-3", "d-4"]) assert.is((await http(ctx, "PUT", `/notes/${id}`, { title: `Note ${id}` })).status, 201);
  const seen: Array<{ id: string; title: string }> = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await http(ctx, "GET", `/notes?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
    assert.is(page.status, 200, page.text);
    seen.push(...page.body.notes);
    cursor = page.body.cursor;
    pages++;
  } while (cursor && pages < 10);
  assert.is(pages, 3);
  assert.equal(seen.map((n) => [n.id, n.title]), [["a-1", "Note a-1"], ["b-2", "Note b-2"], ["c-3", "Note c-3"], ["d-4", "Note d-4"], ["groceries", "Shopping"]]);
  assert.ok(seen.every((n: any) => typeof n.updatedAt === "string"), "titles and times come from list metadata");

  const deleted = await http(ctx, "DELETE", "/notes/b-2");
  assert.is(deleted.status, 200);
  assert.equal(deleted.body, { id: "b-2", deleted: true });
  refused("GET of a deleted note", await http(ctx, "GET", "/notes/b-2"), 404, "not_found", /no note 'b-2'/);
  assert.equal((await http(ctx, "GET", "/notes")).body.notes.map((n: { id: string }) => n.id), ["a-1", "c-3", "d-4", "groceries"]);
});

fw("notes (itty-router): 400, 404 and 413 JSON errors, nothing stored", async (ctx) => {
  refused("invalid JSON", await http(ctx, "PUT", "/notes/x", "{not json"), 400, "invalid_json", /must be JSON/);
  refused("no title", await http(ctx, "PUT", "/notes/x", { body: "text" }), 400, "invalid_title", /title must be a non-empty string/);
  refused("a number body", await http(ctx, "PUT", "/notes/x", { title: "t", body: 5 }), 400, "invalid_body", /body must be a string/);
  refused("an id with capitals", await http(ctx, "PUT", "/notes/Bad_Id", { title: "t" }), 400, "invalid_id", /note id "Bad_Id" must be 1-64 lowercase/);
  refused("a 70 KB note", await http(ctx, "PUT", "/notes/x", { title: "t", body: "x".repeat(70_000) }), 413, "too_large", /at most 65536 bytes/);
  refused("a bad limit", await http(ctx, "GET", "/notes?limit=0"), 400, "invalid_limit", /from 1 to 1000/);
  refused("a missing note", await http(ctx, "GET", "/notes/nope"), 404, "not_found", /no note 'nope'/);
  refused("deleting a missing note", await http(ctx, "DELETE", "/notes/nope"), 404, "not_found", /no note 'nope'/);
  refused("an unknown route", await http(ctx, "GET", "/elsewhere"), 404, "not_found", /no route for GET \/elsewhere/);
  refused("an unrouted method", await http(ctx, "POST", "/notes", {}), 404, "not_found", /no route for POST \/notes/);
  assert.is((await call(ctx.cluster.cp.url, "GET", "/v1/kv/notes-NOTES/note:x")).status, 404, "no refused note was stored");
});

fw("hono: params, query, headers, vars and KV through c.env", async (ctx) => {
  const hello = await http(ctx, "GET", "/hono/hello/world?q=42", undefined, { "x-test": "yes", origin: "https://example.test" });
  assert.is(hello.status, 200, hello.text);
  assert.equal(hello.body, { hello: "world", greeting: "hello from hono", q: "42", header: "yes", url: `${ctx.base}/hono/hello/world?q=42` });
  assert.is(hello.headers["access-control-allow-origin"], "https://example.test", "hono/cors ran");

  const put = await http(ctx, "PUT", "/hono/kv/colour", "teal");
  assert.is(put.status, 201, put.text);
  assert.equal((await http(ctx, "GET", "/hono/kv/colour")).body, { key: "colour", value: "teal", metadata: { by: "hono" } });
  refused("a missing key", await http(ctx, "GET", "/hono/kv/none"), 404, "not_found", /no key 'none'/);
  assert.is((await call(ctx.cluster.cp.url, "GET", "/v1/kv/hono-app-KV/colour")).bytes.toString(), "teal");

  const echo = await http(ctx, "POST", "/hono/echo", { a: [1, 2], b: "ü" }, { "content-type": "application/json" });
  assert.equal(echo.body, { received: { a: [1, 2], b: "ü" }, contentType: "application/json" });
});

fw("hono: request bodies as streams of this realm's Uint8Arrays, into KV and back out as a stream", async (ctx) => {
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
  const bytes = await http(ctx, "POST", "/hono/bytes", big);
  assert.is(bytes.body.bytes, big.length, bytes.text);
  assert.ok(bytes.body.chunks > 1, "arrived in several chunks");
  assert.is(bytes.body.allUint8Array, true, "every chunk is instanceof Uint8Array in app code");

  assert.is((await http(ctx, "PUT", "/hono/blob/big", big)).status, 204);
  const res = await request(`${ctx.base}/hono/blob/big`);
  const back = Buffer.from(await res.body.arrayBuffer());
  assert.is(res.statusCode, 200);
  assert.ok(back.equals(big), `the value streamed back is the same ${big.length} bytes (got ${back.length})`);
  assert.ok((await call(ctx.cluster.cp.url, "GET", "/v1/kv/hono-app-KV/big")).bytes.equals(big), "and the primary holds them");
});

fw("hono: waitUntil, streamed responses, notFound, onError, HTTPException", async (ctx) => {
  const later = await http(ctx, "POST", "/hono/later/deferred", "written after the response");
  assert.is(later.status, 202, later.text);
  await eventually("the waitUntil write landed", async () => (await http(ctx, "GET", "/hono/kv/deferred")).body?.value === "written after the response", 10_000);

  const streamed = await http(ctx, "GET", "/hono/stream");
  assert.is(streamed.status, 200);
  assert.is(streamed.text, "one two three");
  assert.match(String(streamed.headers["content-type"]), /text\/plain/);

  refused("notFound", await http(ctx, "GET", "/hono/nowhere"), 404, "not_found", /no route for GET \/hono\/nowhere/);
  refused("a thrown Error", await http(ctx, "GET", "/hono/boom"), 500, "internal", /kaboom/);
  refused("an HTTPException", await http(ctx, "GET", "/hono/teapot"), 418, "http_exception", /short and stout/);
  // The instance that threw keeps serving.
  assert.is((await http(ctx, "GET", "/hono/hello/again")).body.hello, "again");
});

fw.run();
