// End to end: a real `outpost dev` process serving the fixture app over HTTP on 127.0.0.1,
// exercised with undici: bodies both ways, headers, status codes, routing, concurrency,
// outgoing fetch, exceptions, waitUntil, the scheduled() trigger, a rebuild swapped in on a source edit,
// and a failed rebuild (the last good version serves; browsers get an error page naming file and line).
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { startCli, type Running } from "../../testkit/process.ts";
import { tempDir } from "../../testkit/temp.ts";
import { listen } from "../../testkit/listen.ts";

const e2e = suite<{ dev: Running; dir: string; upstream: Server; upstreamUrl: string }>("outpost dev end to end");

e2e.before(async (ctx) => {
  ctx.dir = tempDir("outpost-e2e-");
  cpSync(join(import.meta.dirname, "fixtures", "e2e-app"), ctx.dir, { recursive: true });
  ctx.upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      res.writeHead(202, { "x-upstream": `saw ${req.headers["x-from"]}` });
      res.end(`upstream got ${req.method} ${body}`);
    });
  });
  ctx.upstreamUrl = `${(await listen(ctx.upstream)).url}/up`;
  ctx.dev = await startCli(["dev", "--port", "0"], { cwd: ctx.dir, timeoutMs: 180_000 });
});

e2e.after(async (ctx) => {
  await ctx.dev?.stop();
  ctx.upstream?.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

e2e("GET returns JSON built from vars", async ({ dev }) => {
  const res = await request(`${dev.url}/api/hello`);
  assert.is(res.statusCode, 200);
  assert.match(String(res.headers["content-type"]), /application\/json/);
  const body = (await res.body.json()) as { greeting: string; max: number };
  assert.equal([body.greeting, body.max], ["hello", 3]);
});

e2e("POST body streams through and back, headers both ways", async ({ dev }) => {
  const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(16 * 1024, i));
  const res = await request(`${dev.url}/api/echo`, { method: "POST", body: Readable.from(chunks), headers: { "content-type": "application/x-test", "x-test": "from-client" } });
  assert.is(res.statusCode, 201);
  assert.is(res.headers["x-echo-method"], "POST");
  assert.is(res.headers["x-echo-ua"], "from-client");
  assert.is(res.headers["content-type"], "application/x-test");
  const got = Buffer.from(await res.body.arrayBuffer());
  assert.ok(got.equals(Buffer.concat(chunks)), "echoed body equals the 1 MiB sent");
});

e2e("a streamed response body arrives whole", async ({ dev }) => {
  const res = await request(`${dev.url}/api/stream?n=20`);
  const text = await res.body.text();
  assert.is(text.split("\n").filter(Boolean).length, 20);
  assert.ok(text.startsWith("chunk 0\n") && text.endsWith("chunk 19\n"));
});

e2e("status codes and multi-value headers pass through", async ({ dev }) => {
  for (const code of [200, 204, 302, 404, 418, 503]) {
    const res = await request(`${dev.url}/api/status?code=${code}`);
    assert.is(res.statusCode, code);
    if (code !== 204) assert.is(res.headers["x-multi"], "one");
    await res.body.dump();
  }
});

e2e("routing: no route gives 404 from the node, host routes match", async ({ dev }) => {
  const miss = await request(`${dev.url}/elsewhere`);
  assert.is(miss.statusCode, 404);
  assert.match(await miss.body.text(), /no app on this node has a route matching/);
  const byHost = await request(`${dev.url}/anything`, { headers: { host: "app.example.test" } });
  assert.is(byHost.statusCode, 200);
  assert.equal(await byHost.body.json(), { host: "app.example.test", path: "/anything" });
});

e2e("50 concurrent requests each get their own answer", async ({ dev }) => {
  const results = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
    const res = await request(`${dev.url}/api/slow?ms=30&id=${i}`);
    return { status: res.statusCode, body: (await res.body.json()) as { id: string } };
  }));
  results.forEach((r, i) => {
    assert.is(r.status, 200);
    assert.is(r.body.id, String(i));
  });
});

e2e("a handler awaiting an outgoing fetch gets the upstream's answer", async ({ dev, upstreamUrl }) => {
  const res = await request(`${dev.url}/api/fetch?u=${encodeURIComponent(upstreamUrl)}`);
  assert.is(res.statusCode, 200);
  assert.equal(await res.body.json(), { status: 202, body: "upstream got POST ping", header: "saw guest" });
});

e2e("an exception gives 500 and a log line; the next request succeeds", async ({ dev }) => {
  const from = dev.output().length;
  const res = await request(`${dev.url}/api/throw`);
  assert.is(res.statusCode, 500);
  await res.body.dump();
  await dev.waitFor(/fetch\(\) threw: Error: deliberate failure/, 10_000, from);
  const next = await request(`${dev.url}/api/hello`);
  assert.is(next.statusCode, 200);
  await next.body.dump();
});

e2e("waitUntil work finishes after the response is sent", async ({ dev }) => {
  const from = dev.output().length;
  const t = performance.now();
  const res = await request(`${dev.url}/api/wait-until`);
  assert.is(await res.body.text(), "sent before waitUntil finished");
  assert.ok(!/waitUntil finished/.test(dev.output().slice(from)), "response came before the waitUntil work ended");
  await dev.waitFor(/waitUntil finished/, 10_000, from);
  assert.ok(performance.now() - t >= 150);
});

e2e("/__outpost/scheduled runs scheduled() by hand; a throw is a 500 naming the error", async ({ dev }) => {
  const from = dev.output().length;
  const ok = await request(`${dev.url}/__outpost/scheduled?cron=*/5+*+*+*+*&time=1700000000000`);
  const body = (await ok.body.json()) as { ok: boolean; cron: string; scheduledTime: number };
  assert.is(ok.statusCode, 200, JSON.stringify(body));
  assert.equal([body.ok, body.cron, body.scheduledTime], [true, "*/5 * * * *", 1700000000000]);
  await dev.waitFor(/scheduled \*\/5 \* \* \* \* at 1700000000000 \(hello\)/, 10_000, from);

  const failed = await request(`${dev.url}/__outpost/scheduled?cron=fail`);
  const fbody = (await failed.body.json()) as { ok: boolean; error: string };
  assert.is(failed.statusCode, 500);
  assert.is(fbody.ok, false);
  assert.match(fbody.error, /scheduled asked to fail/);
});

e2e("editing the source rebuilds and swaps the new version in", async ({ dev, dir }) => {
  const file = join(dir, "src", "index.ts");
  const from = dev.output().length;
  writeFileSync(file, readFileSync(file, "utf8").replace('greeting: env.GREETING', 'greeting: env.GREETING + " v2"'));
  await dev.waitFor(/is live/, 120_000, from);
  const res = await request(`${dev.url}/api/hello`);
  assert.is(((await res.body.json()) as { greeting: string }).greeting, "hello v2");
});

e2e("a failed rebuild keeps the last good version serving; browsers get a page naming file and line", async ({ dev, dir }) => {
  const file = join(dir, "src", "index.ts");
  const good = readFileSync(file, "utf8");
  let from = dev.output().length;
  writeFileSync(file, `const broken = ;\n${good}`);
  await dev.waitFor(/rebuild failed, still serving the last good version/, 120_000, from);
  assert.match(dev.output().slice(from), /src\/index\.ts:1:16: /);
  const page = await request(`${dev.url}/api/hello`, { headers: { accept: "text/html,application/xhtml+xml" } });
  assert.is(page.statusCode, 500);
  assert.match(String(page.headers["content-type"]), /text\/html/);
  const html = await page.body.text();
  assert.match(html, /Build failed in src\/index\.ts:1:16/);
  assert.match(html, /const broken = ;/);
  const api = await request(`${dev.url}/api/hello`);
  assert.is(api.statusCode, 200);
  assert.is(((await api.body.json()) as { greeting: string }).greeting, "hello v2");
  from = dev.output().length;
  writeFileSync(file, good);
  await dev.waitFor(/is (live|unchanged)/, 120_000, from);
  const back = await request(`${dev.url}/api/hello`, { headers: { accept: "text/html" } });
  assert.is(back.statusCode, 200);
  assert.is(((await back.body.json()) as { greeting: string }).greeting, "hello v2");
});

e2e.run();
