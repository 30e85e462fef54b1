// Builds the C handler with build.ts, validates the component, serves it through ComponentApp
// behind node:http and checks the answers over HTTP with undici; prints (never asserts) timings.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { request } from "undici";
import { ComponentApp } from "../../runtime/app.ts";
import { validateComponent } from "../../core/component/validate.ts";
import { buildCComponent } from "./build.ts";
import { tempDir } from "../../testkit/temp.ts";
import { listen } from "../../testkit/listen.ts";

const tmp = tempDir("outpost-c-hello-");
const ms = (t: number) => `${(performance.now() - t).toFixed(2)} ms`;
let bytes: Uint8Array;
let app: ComponentApp;
let server: Server;
let base: string;

async function get(path: string, method = "GET", body?: string) {
  const res = await request(base + path, { method, body });
  return { status: res.statusCode, type: res.headers["content-type"], text: await res.body.text() };
}

test.before(async () => {
  let t = performance.now();
  const path = await buildCComponent({ log: (line) => console.log(`    ${line}`) });
  console.log(`    build (or up-to-date check): ${ms(t)}`);
  bytes = new Uint8Array(readFileSync(path));
  console.log(`    component: ${bytes.byteLength} bytes`);

  t = performance.now();
  app = await ComponentApp.load(bytes, { name: "c-hello", onLog: () => {}, cacheDir: join(tmp, "cache") });
  const { validateMs, transpileMs, compileMs } = app.component.timings;
  console.log(`    load: ${ms(t)} (validate ${validateMs.toFixed(1)}, transpile ${transpileMs.toFixed(1)}, compile ${compileMs.toFixed(1)} ms)`);

  server = createServer((req, res) => void app.serve(req, res));
  base = (await listen(server)).url;

  // New instance to first response: instantiate, then the first request through HTTP.
  t = performance.now();
  await app.warm();
  const instantiated = performance.now() - t;
  const first = await get("/warmup");
  assert.is(first.status, 200, first.text);
  // Mostly the process's first HTTP round trip (undici connect, node:http and glue warm-up), not the guest.
  console.log(`    new instance → first response over HTTP: ${ms(t)} (instantiate ${instantiated.toFixed(2)} ms)`);
});

test.after(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

test("the component passes Outpost's validation as a wasi:http@0.2.0 proxy", async () => {
  const info = await validateComponent(bytes);
  assert.ok(info.exports.includes("wasi:http/incoming-handler@0.2.0"), info.exports.join(", "));
  for (const name of info.imports) assert.match(name, /^wasi:(http|io)\/[a-z-]+@0\.2\.0$/);
  assert.ok(!info.imports.some((name) => name.startsWith("wasi:cli") || name.startsWith("wasi:filesystem")), "no preview1 adapter imports");
  assert.is(info.language, "C99");
});

test("GET answers 200 JSON with the path and method", async () => {
  const res = await get("/");
  assert.is(res.status, 200);
  assert.is(res.type, "application/json");
  assert.equal(JSON.parse(res.text), { lang: "c", path: "/", method: "GET" });
});

test("the path keeps its query string", async () => {
  const res = await get("/hello/world?x=1&y=%22q%22");
  assert.is(res.status, 200);
  assert.is(res.type, "application/json");
  assert.equal(JSON.parse(res.text), { lang: "c", path: "/hello/world?x=1&y=%22q%22", method: "GET" });
});

test("POST with a body (which the handler ignores) reports the method", async () => {
  const res = await get("/submit", "POST", "some body");
  assert.is(res.status, 200);
  assert.is(res.type, "application/json");
  assert.equal(JSON.parse(res.text), { lang: "c", path: "/submit", method: "POST" });
});

test("a method outside the wasi:http enum comes through other(string)", async () => {
  const res = await get("/x", "PROPFIND");
  assert.is(res.status, 200);
  assert.equal(JSON.parse(res.text), { lang: "c", path: "/x", method: "PROPFIND" });
});

test("a path longer than one 4096-byte write is written in chunks", async () => {
  const path = `/${"a".repeat(6000)}`;
  const res = await get(path);
  assert.is(res.status, 200);
  assert.is(JSON.parse(res.text).path, path);
});

test("20 sequential requests all succeed on a reused instance", async () => {
  const before = app.stats.instancesCreated;
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    const res = await get(`/seq/${i}`);
    times.push(performance.now() - t);
    assert.is(res.status, 200, res.text);
    assert.equal(JSON.parse(res.text), { lang: "c", path: `/seq/${i}`, method: "GET" });
  }
  assert.is(app.stats.instancesCreated, before, "no new instance was needed");
  assert.is(app.stats.discarded, 0);
  times.sort((a, b) => a - b);
  console.log(`    reused instance, per request over HTTP: median ${times[10].toFixed(3)} ms, min ${times[0].toFixed(3)} ms, max ${times[19].toFixed(3)} ms`);
});

test.run();
