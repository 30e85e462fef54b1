// Tests of the host's outgoing wasi:http side (sendRequest, the response body as an InputStream, trailers),
// driven the way a guest drives it, against a real node:http server on 127.0.0.1: streaming bodies with
// flow control, request bodies, headers and trailers, error codes (refused, first-byte timeout, reset),
// the subrequest refusal, and a dropped body stopping the upstream.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { BodyQueue } from "./body-queue.ts";
import { Fields } from "./fields.ts";
import { IncomingResponse, OutgoingRequest, RequestOptions, sendRequest, type OutgoingContext } from "./http-outgoing.ts";
import { IncomingBody, OutgoingBody } from "./http-types.ts";
import type { InputStream } from "./streams.ts";
import { listen } from "../../testkit/listen.ts";

const enc = new TextEncoder();
const CHUNK = Buffer.alloc(16 * 1024, "abcdefgh");
const serverEvents: string[] = [];
const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "/stream": (_req, res) => {
    res.writeHead(200, { "x-a": "1", "set-cookie": ["a=1", "b=2"] });
    let i = 0;
    const next = () => { while (i < 64) { i++; if (!res.write(CHUNK)) return void res.once("drain", next); } res.end(); };
    next();
  },
  "/trailers": (_req, res) => {
    res.writeHead(200, { trailer: "x-t" });
    res.write("body");
    res.addTrailers({ "x-t": "done" });
    res.end();
  },
  "/echo": (req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (d: Buffer) => parts.push(d));
    req.on("end", () => res.writeHead(201, { "x-method": req.method ?? "", "x-guest": String(req.headers["x-guest"]) }).end(Buffer.concat(parts)));
  },
  "/slow-head": (_req, res) => { setTimeout(() => res.writeHead(200).end("late"), 1500); },
  "/endless": (_req, res) => {
    res.writeHead(200);
    res.on("close", () => serverEvents.push("endless closed"));
    const pump = () => { while (!res.destroyed && res.write(CHUNK)); if (!res.destroyed) res.once("drain", pump); };
    pump();
  },
  "/reset": (req, res) => { res.writeHead(200, { "content-length": "100000" }); res.write("partial", () => setTimeout(() => req.socket.destroy(), 20)); },
};
const server = createServer((req, res) => routes[new URL(req.url ?? "/", "http://x").pathname]!(req, res));
const authority = `127.0.0.1:${(await listen(server)).port}`;

const failures: string[] = [];
const ctx = (limit = 50): OutgoingContext => {
  let n = 0;
  return { admit: () => (++n > limit ? "subrequest limit reached" : null), failed: (_url, message) => failures.push(message) };
};

function outgoing(path: string, method = "get", headers: Array<[string, string]> = [], auth = authority): OutgoingRequest {
  const req = new OutgoingRequest(Fields.fromList(headers.map(([k, v]) => [k, enc.encode(v)])));
  req.setMethod({ tag: method });
  req.setScheme({ tag: "HTTP" });
  req.setAuthority(auth);
  req.setPathWithQuery(path);
  return req;
}

/** Sends and waits like a guest (subscribe, block, get); the response or the error code's tag. */
async function send(req: OutgoingRequest, c = ctx(), options?: RequestOptions): Promise<IncomingResponse | string> {
  const future = sendRequest(c, req, options);
  await future.subscribe().block();
  const got = future.get() as { tag: "ok"; val: { tag: "ok"; val: IncomingResponse } | { tag: "err"; val: { tag: string } } };
  return got.val.tag === "ok" ? got.val.val : got.val.val.tag;
}

/** Reads a stream to its end the way a guest does (read, and subscribe + block when nothing is there). */
async function readAll(stream: InputStream, pause = 0): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (;;) {
    let chunk: Uint8Array;
    try { chunk = stream.read(4096n); } catch (e) {
      if ((e as { tag: string }).tag === "closed") return Buffer.concat(parts);
      throw e;
    }
    if (chunk.byteLength) parts.push(chunk.slice());
    else await stream.subscribe().block();
    if (pause && parts.length % 16 === 0) await new Promise((r) => setTimeout(r, pause));
  }
}

const text = (f: Fields, name: string) => f.get(name).map((v) => new TextDecoder().decode(v));

test("a 1 MiB body streams to a slow reader intact, with the response's headers", async () => {
  const res = await send(outgoing("/stream"));
  assert.instance(res, IncomingResponse);
  const r = res as IncomingResponse;
  assert.is(r.status(), 200);
  assert.equal(text(r.headers(), "x-a"), ["1"]);
  assert.equal(text(r.headers(), "set-cookie"), ["a=1", "b=2"]);
  const body = await readAll(r.consume().stream(), 1);
  assert.is(body.byteLength, 64 * CHUNK.byteLength);
  assert.ok(body.equals(Buffer.concat(Array.from({ length: 64 }, () => CHUNK))));
});

test("trailers arrive after the body", async () => {
  const r = (await send(outgoing("/trailers"))) as IncomingResponse;
  const body = r.consume();
  assert.is((await readAll(body.stream())).toString(), "body");
  const future = IncomingBody.finish(body);
  await future.subscribe().block();
  const got = future.get() as { tag: "ok"; val: { tag: "ok"; val: Fields | undefined } };
  assert.equal(text(got.val.val!, "x-t"), ["done"]);
});

test("a request body written in parts reaches the upstream, with the guest's headers", async () => {
  const req = outgoing("/echo", "post", [["x-guest", "yes"]]);
  const out = req.body();
  const stream = out.write();
  stream.write(enc.encode("hello "));
  const pending = send(req);
  stream.write(enc.encode("upstream"));
  OutgoingBody.finish(out, undefined);
  const r = (await pending) as IncomingResponse;
  assert.is(r.status(), 201);
  assert.equal(text(r.headers(), "x-method"), ["POST"]);
  assert.equal(text(r.headers(), "x-guest"), ["yes"]);
  assert.is((await readAll(r.consume().stream())).toString(), "hello upstream");
});

test("error codes: refused connection, first-byte timeout", async () => {
  const closed = createServer();
  const { port } = await listen(closed);
  closed.close();
  assert.is(await send(outgoing("/", "get", [], `127.0.0.1:${port}`)), "connection-refused");
  const options = new RequestOptions();
  options.setFirstByteTimeout(200_000_000n);
  assert.is(await send(outgoing("/slow-head"), ctx(), options), "HTTP-response-timeout");
  assert.ok(failures.length >= 2, "each failure is reported to the host's log");
});

test("a connection reset mid-body is a last-operation-failed on the stream", async () => {
  const r = (await send(outgoing("/reset"))) as IncomingResponse;
  try {
    await readAll(r.consume().stream());
    assert.unreachable("the read should fail");
  } catch (e) {
    assert.is((e as { tag: string }).tag, "last-operation-failed");
  }
});

test("past the subrequest limit the send is refused with HTTP-request-denied", async () => {
  const c = ctx(1);
  assert.instance(await send(outgoing("/trailers"), c), IncomingResponse);
  try {
    sendRequest(c, outgoing("/trailers"), undefined);
    assert.unreachable("the second send should throw");
  } catch (e) {
    assert.equal((e as { payload: { tag: string } }).payload, { tag: "HTTP-request-denied" });
  }
});

test("dropping the body stream stops an endless upstream", async () => {
  const r = (await send(outgoing("/endless"))) as IncomingResponse;
  const stream = r.consume().stream();
  await stream.subscribe().block();
  assert.ok(stream.read(1024n).byteLength > 0);
  const before = failures.length;
  stream[Symbol.dispose]();
  for (let i = 0; i < 100 && !serverEvents.includes("endless closed"); i++) await new Promise((res) => setTimeout(res, 20));
  assert.ok(serverEvents.includes("endless closed"), "the upstream saw its response closed");
  assert.is(failures.length, before, "a drop by the guest is not logged as a failure");
});

test("BodyQueue pauses its producer past the high-water mark and resumes when read down", () => {
  const flow: string[] = [];
  const q = new BodyQueue({ pause: () => flow.push("pause"), resume: () => flow.push("resume"), cancel: () => flow.push("cancel") }, 10);
  assert.is(q.tryRead(), undefined);
  q.push(new Uint8Array(6));
  q.push(new Uint8Array(6));
  assert.equal(flow, ["pause"]);
  assert.is(q.tryRead()!.byteLength, 6);
  assert.equal(flow, ["pause"], "still above half the mark");
  q.fail(new Error("boom"));
  assert.is(q.tryRead()!.byteLength, 6, "chunks before an error are still read");
  assert.equal(flow, ["pause", "resume"]);
  assert.throws(() => q.tryRead(), /boom/);
  q.cancel();
  assert.equal(flow, ["pause", "resume"], "cancel after the end does not stop a finished producer");
  const live = new BodyQueue({ pause() {}, resume() {}, cancel: () => flow.push("cancel") });
  live.cancel();
  assert.equal(flow.at(-1), "cancel");
  assert.is(live.tryRead(), null);
});

test.after(() => { server.closeAllConnections(); server.close(); });
test.run();
