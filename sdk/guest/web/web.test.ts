// The guest runtime's web API fixes (sdk/guest/web) as plain logic under Node, whose own web APIs are the
// reference: MIME types, the multipart parser (fed Node's own multipart bodies), the Body fixes and the
// first-call check, Response.clone on Node's Response, the text streams, stream iteration, AbortSignal
// and URL statics; last, that installing them onto Node's globals leaves its working natives in place.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { abortWith, anyFrom, installAbortFixes, throwIfAborted } from "./abort.ts";
import { blob, bytes, checkedOnFirstCall, formDataWith, installBodyFixes, nativeChecks } from "./body.ts";
import { clone, installResponseClone } from "./clone.ts";
import { parseMimeType, serializeMimeType } from "./mime.ts";
import { parseMultipart } from "./multipart.ts";
import { installNavigator } from "./navigator.ts";
import { from, installStreamIteration, values } from "./streams.ts";
import { installTextStreams, TextDecoderStream, TextEncoderStream } from "./text-streams.ts";
import { canParse, installUrlStatics, parse } from "./url.ts";

const enc = new TextEncoder();
const streamOf = <T>(chunks: T[]) => new ReadableStream<T>({ start(c) { for (const x of chunks) c.enqueue(x); c.close(); } });

async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return out;
}

/** FormData entries with files shown as [name, type, text]. */
async function entries(form: FormData): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [k, v] of form) out.push([k, typeof v === "string" ? v : [v.name, v.type, await v.text()]]);
  return out;
}

const multipart = (body: string | Uint8Array, boundary = "B") => parseMultipart(typeof body === "string" ? enc.encode(body) : new Uint8Array(body), boundary);

test("MIME types: parsed lowercased with parameters, serialised as Fetch does; non-types are null", () => {
  assert.is(serializeMimeType(parseMimeType(" Text/Plain ; Charset=UTF-8;x=\"a b\"; charset=no")!), 'text/plain;charset=UTF-8;x="a b"');
  assert.is(parseMimeType('multipart/form-data; boundary="a\\"b"')!.params.get("boundary"), 'a"b');
  assert.is(parseMimeType("multipart/form-data;boundary=--x/y")!.params.get("boundary"), "--x/y");
  for (const bad of ["", "garbage", "a/", "/b", "a b/c", "a/b c"]) assert.is(parseMimeType(bad), null, bad);
});

test("multipart: Node's own body for text, unicode and binary files reads back with bytes, names and types", async () => {
  const bin = Uint8Array.from({ length: 256 }, (_, i) => i);
  const form = new FormData();
  form.append("s", "text\r\nwith a line break");
  form.append("é", "ü");
  form.append("f", new Blob(["x"], { type: "text/plain" }), "a.txt");
  form.append("bin", new File([bin], "b.bin", { type: "application/octet-stream" }));
  const res = new Response(form);
  const boundary = parseMimeType(res.headers.get("content-type")!)!.params.get("boundary")!;
  const back = parseMultipart(new Uint8Array(await res.arrayBuffer()), boundary);
  const got = await entries(back);
  assert.equal(got.slice(0, 3), [["s", "text\r\nwith a line break"], ["é", "ü"], ["f", ["a.txt", "text/plain", "x"]]]);
  const file = back.get("bin") as File;
  assert.instance(file, File);
  assert.is(file.name, "b.bin");
  assert.equal(new Uint8Array(await file.arrayBuffer()), bin);
});

test("multipart: preamble, LF line breaks, padding, escapes, empty parts, a BOM and a lookalike boundary", async () => {
  assert.equal(await entries(multipart("junk\r\n--B\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\nv\r\n--B--\r\nepilogue")), [["s", "v"]]);
  assert.equal(await entries(multipart("--B\nContent-Disposition: form-data; name=\"s\"\n\nv\n--B--")), [["s", "v"]]);
  assert.equal(await entries(multipart("--B \t\r\ncontent-disposition:form-data;name=\"a\\\"b;c\"\r\n\r\n\r\n--B--")), [['a"b;c', ""]]);
  assert.equal(await entries(multipart("--B\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\n\ufeffv\r\n--Bx\r\n--B--")), [["s", "\ufeffv\r\n--Bx"]]);
  // workerd: no Content-Type is "", an empty filename is a plain value, filename* and unquoted names are not read
  assert.equal(await entries(multipart("--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"n\"\r\n\r\nv\r\n--B\r\nContent-Disposition: form-data; name=\"e\"; filename=\"\"\r\n\r\nw\r\n--B\r\nContent-Disposition: form-data; name=\"g\"; filename*=UTF-8''x\r\n\r\ny\r\n--B--")),
    [["f", ["n", "", "v"]], ["e", "w"], ["g", "y"]]);
  assert.equal(await entries(multipart("--B--")), []);
});

test("multipart: malformed bodies are TypeErrors that say what is wrong", () => {
  const cases: Array<[string, RegExp]> = [
    ["", /no initial boundary/],
    ["--B\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\nv", /no boundary string after a part/],
    ["--B\r\nContent-Disposition: form-data; name=\"s\"", /headers do not end/],
    ["--B\r\nX: y\r\n\r\nv\r\n--B--", /no Content-Disposition/],
    ["--B\r\nContent-Disposition: form-data; name=tok\r\n\r\nv\r\n--B--", /has no name/],
    ["--B\r\nContent-Disposition: attachment; name=\"s\"\r\n\r\nv\r\n--B--", /not form-data/],
    ["--B\r\nbad header\r\n\r\nv\r\n--B--", /invalid header line/],
  ];
  for (const [body, why] of cases) {
    assert.throws(() => multipart(body), (e: Error) => e instanceof TypeError && why.test(e.message), JSON.stringify(body));
  }
});

test("Body fixes: bytes(), blob() typed by the Content-Type, formData() parsing multipart and leaving the rest to the native", async () => {
  const b = await bytes.call(new Response("ab"));
  assert.instance(b, Uint8Array);
  assert.equal([...b], [97, 98]);
  const typed = await blob.call(new Response("zz", { headers: { "content-type": "Text/X; A=B" } }));
  assert.equal([typed.type, typed.size, await typed.text()], ["text/x;a=b", 2, "zz"]);
  assert.is((await blob.call(new Response("zz", { headers: { "content-type": "garbage" } }))).type, "");

  let nativeCalls = 0;
  const native = async function (this: Request | Response) { nativeCalls++; return Response.prototype.formData.call(this as Response); };
  const fd = formDataWith(native);
  const body = "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\nContent-Type: a/b\r\n\r\nx\r\n--B--";
  assert.equal(await entries(await fd.call(new Request("https://e.test", { method: "POST", body, headers: { "content-type": "multipart/form-data; boundary=B" } }))), [["f", ["a", "a/b", "x"]]]);
  assert.is(nativeCalls, 0);
  assert.equal(await entries(await fd.call(new Response("a=1", { headers: { "content-type": "application/x-www-form-urlencoded" } }))), [["a", "1"]]);
  assert.is(nativeCalls, 1);
});

test("Body fixes: the first call decides, for every prototype, between a native that works and the fix", async () => {
  class A { read(this: A): Promise<string> { return Promise.resolve("a-native"); } }
  class B { read(this: B): Promise<string> { return Promise.resolve("b-native"); } }
  for (const works of [true, false]) {
    const [nativeA, nativeB] = [A.prototype.read, B.prototype.read];
    let checks = 0;
    const protos = [A.prototype, B.prototype] as unknown as Array<Request | Response>;
    checkedOnFirstCall<string>(protos, "read" as "blob", async () => { checks++; return works; }, (n) => async function (this: Request | Response) { return `fixed ${await n.call(this)}`; });
    assert.is.not(A.prototype.read, nativeA);
    assert.equal(await Promise.all([new A().read(), new B().read()]), works ? ["a-native", "b-native"] : ["fixed a-native", "fixed b-native"]);
    assert.is(checks, 1);
    if (works) assert.equal([A.prototype.read, B.prototype.read], [nativeA, nativeB], "a working native is put back");
    A.prototype.read = nativeA;
    B.prototype.read = nativeB;
  }
  // the checks themselves: Node's natives pass; StarlingMonkey's failures, imitated, do not
  assert.ok(await nativeChecks.formData(Response.prototype.formData));
  assert.ok(await nativeChecks.blob(Response.prototype.blob));
  assert.not.ok(await nativeChecks.formData(async function () { const f = new FormData(); f.append("f", new File([new Uint8Array([120]).join("")], "f")); return f; }));
  assert.not.ok(await nativeChecks.blob(async function (this: Request | Response) { return new Blob([await this.arrayBuffer()]); }));
});

test("Response.clone: both bodies read in full, in any order; status, headers (a copy) and url kept", async () => {
  const a = new Response("twice", { status: 203, statusText: "Partial", headers: { "x-k": "v", "content-type": "a/b" } });
  const b = clone.call(a);
  b.headers.set("x-k", "changed");
  assert.equal([b.status, b.statusText, b.headers.get("content-type"), a.headers.get("x-k")], [203, "Partial", "a/b", "v"]);
  assert.is(await b.text(), "twice");
  assert.is(a.bodyUsed, false);
  assert.is(a.body, a.body);
  assert.is((await a.blob()).type, "a/b");
  assert.is(a.bodyUsed, true);
  assert.equal(Object.keys(a), [], "the stand-in members are not enumerable");

  const c = new Response("chain");
  const [d, e] = [clone.call(c), clone.call(c)];
  const f = clone.call(d);
  assert.equal(await Promise.all([c, d, e, f].map((r) => r.text())), ["chain", "chain", "chain", "chain"]);

  const fetched = await new Promise<Response>((resolve) => resolve(Response.json({ j: 1 })));
  Object.defineProperties(fetched, { url: { value: "https://e.test/x" }, redirected: { value: true } });
  const g = clone.call(fetched);
  assert.equal([g.url, g.redirected, g.type, await g.json(), await fetched.json()], ["https://e.test/x", true, "default", { j: 1 }, { j: 1 }]);
});

test("Response.clone: a used or locked body is a TypeError; a null body stays null", async () => {
  const used = new Response("x");
  await used.text();
  assert.throws(() => clone.call(used), (e: Error) => e instanceof TypeError && /already been consumed/.test(e.message));
  const locked = new Response("x");
  locked.body!.getReader();
  assert.throws(() => clone.call(locked), TypeError);
  const empty = clone.call(new Response(null, { status: 204, headers: { a: "1" } }));
  assert.equal([empty.body, empty.status, empty.headers.get("a")], [null, 204, "1"]);
  assert.throws(() => clone.call({} as Response), TypeError);
});

test("TextDecoderStream: characters split across chunks, a split BOM, an unfinished sequence at the end, fatal", async () => {
  const chunks = (bytes: number[][], label?: string, options?: TextDecoderOptions) => collect(streamOf(bytes.map((b) => new Uint8Array(b))).pipeThrough(new TextDecoderStream(label, options)));
  assert.equal(await chunks([[0x61, 0xe2], [0x82], [0xac, 0x62]]), ["a", "€b"]);
  assert.equal(await chunks([[0xef], [0xbb, 0xbf, 0x41]]), ["A"]);
  assert.equal(await chunks([[0xef, 0xbb, 0xbf, 0x41]], "utf-8", { ignoreBOM: true }), ["\ufeffA"]);
  assert.equal(await chunks([[0x61, 0xe2]]), ["a", "\ufffd"]);
  assert.equal(await chunks([[0x41, 0x00, 0x3d], [0xd8, 0x00, 0xde]], "utf-16le"), ["A", "😀"]);
  await chunks([[0x61, 0xe2]], "utf-8", { fatal: true }).then(() => assert.unreachable("fatal accepted a truncated sequence"), (e) => assert.instance(e, TypeError));
  await collect(streamOf(["not bytes"]).pipeThrough(new TextDecoderStream() as unknown as TransformStream<string, string>)).then(() => assert.unreachable(), (e) => assert.instance(e, TypeError));
  const t = new TextDecoderStream("UTF-16LE", { fatal: true });
  assert.equal([t.encoding, t.fatal, t.ignoreBOM, String(t), t instanceof TransformStream], ["utf-16le", true, false, "[object TextDecoderStream]", true]);
  assert.throws(() => new TextDecoderStream("no-such-encoding"), RangeError);
});

test("TextEncoderStream: a surrogate pair split across chunks, a lone one at the end, non-string chunks", async () => {
  const out = await collect(streamOf<unknown>(["a\ud83d", "", "\ude00b", 12, "\ud83d"]).pipeThrough(new TextEncoderStream() as unknown as TransformStream<unknown, Uint8Array>));
  assert.equal(out.map((b) => [...b]), [[0x61], [0xf0, 0x9f, 0x98, 0x80, 0x62], [0x31, 0x32], [0xef, 0xbf, 0xbd]]);
  assert.equal([new TextEncoderStream().encoding, String(new TextEncoderStream())], ["utf-8", "[object TextEncoderStream]"]);
});

test("stream iteration: values() locks at once, break cancels (unless preventCancel), errors propagate and unlock", async () => {
  const iterate = <T>(s: ReadableStream<T>, o?: { preventCancel?: boolean }) => ({ [Symbol.asyncIterator]: () => values.call(s, o) as AsyncIterator<T> });
  const got: string[] = [];
  for await (const x of iterate(streamOf(["a", "b"]))) got.push(x);
  assert.equal(got, ["a", "b"]);

  let cancelled: unknown = "no";
  const endless = new ReadableStream<number>({ pull(c) { c.enqueue(1); }, cancel(r) { cancelled = r; } });
  const it = values.call(endless);
  assert.ok(endless.locked);
  for await (const _ of { [Symbol.asyncIterator]: () => it }) break;
  assert.equal([endless.locked, cancelled], [false, undefined]);

  const kept = streamOf([1, 2]);
  for await (const _ of iterate(kept, { preventCancel: true })) break;
  assert.is((await kept.getReader().read()).value, 2);

  const broken = new ReadableStream({ start(c) { c.error(new RangeError("boom")); } });
  try {
    for await (const _ of iterate(broken)) assert.unreachable();
    assert.unreachable();
  } catch (e) { assert.instance(e, RangeError); }
  assert.is(broken.locked, false);
  const AsyncIteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf(async function* () {}).prototype);
  assert.is(Object.getPrototypeOf(Object.getPrototypeOf(values.call(streamOf([])))), AsyncIteratorPrototype);
});

test("ReadableStream.from: async and sync iterables (promises awaited), cancel reaches return(), non-iterables refused", async () => {
  async function* gen() { yield "a"; yield "b"; }
  assert.equal(await collect(from(gen())), ["a", "b"]);
  assert.equal(await collect(from([1, Promise.resolve(2)])), [1, 2]);
  let returned: unknown;
  const source = { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: false, value: 1 }), return: async (v: unknown) => { returned = v; return { done: true, value: undefined }; } }) };
  await from(source as AsyncIterable<number>).cancel("why");
  assert.is(returned, "why");
  assert.throws(() => from(5 as unknown as Iterable<number>), TypeError);
  const bad = { [Symbol.asyncIterator]: () => ({ next: async () => 5 }) };
  await collect(from(bad as unknown as AsyncIterable<number>)).then(() => assert.unreachable(), (e) => assert.instance(e, TypeError));
});

test("AbortSignal: abort() without a reason, any() at once and later (its event fires), throwIfAborted()", () => {
  const abort = abortWith(function (this: unknown, reason: unknown) {
    if (arguments.length === 0) throw new TypeError("At least 1 argument required");
    return AbortSignal.abort(reason);
  });
  const r = abort().reason as DOMException;
  assert.equal([r instanceof DOMException, r.name, abort("given").reason], [true, "AbortError", "given"]);

  // The engine's any() takes the signals as arguments; Node's takes the list, so adapt it to the engine's shape.
  const any = anyFrom((...signals: AbortSignal[]) => AbortSignal.any(signals));
  assert.is(any([new AbortController().signal, AbortSignal.abort("first")]).reason, "first");
  assert.is(any([]).aborted, false);
  const c = new AbortController();
  const s = any([c.signal, new AbortController().signal]);
  let heard: unknown;
  s.addEventListener("abort", () => { heard = s.reason; });
  assert.is(s.aborted, false);
  c.abort("later");
  assert.equal([s.aborted, heard], [true, "later"]);
  assert.throws(() => any([{} as AbortSignal]), TypeError);

  assert.throws(() => throwIfAborted.call(AbortSignal.abort(new RangeError("why"))), RangeError);
  throwIfAborted.call(new AbortController().signal);
});

test("URL.parse and URL.canParse", () => {
  assert.equal([canParse("https://a"), canParse("/x"), canParse("/x", "https://a"), parse("nope"), parse("/p", "https://a.b/c")?.href], [true, false, true, null, "https://a.b/p"]);
});

test("installing (index.ts's installs of these) onto Node's globals keeps every working native; the body readers' stand-ins give theirs back", async () => {
  const watched: Array<[object, PropertyKey]> = [
    [globalThis, "TextDecoderStream"], [globalThis, "TextEncoderStream"], [globalThis, "navigator"], [Response.prototype, "clone"],
    [Response.prototype, "bytes"], [Request.prototype, "bytes"], [ReadableStream.prototype, "values"], [ReadableStream.prototype, Symbol.asyncIterator],
    [ReadableStream, "from"], [AbortSignal, "abort"], [AbortSignal, "any"], [URL, "parse"], [URL, "canParse"],
    [Response.prototype, "formData"], [Request.prototype, "formData"], [Response.prototype, "blob"], [Request.prototype, "blob"],
  ];
  const before = watched.map(([o, k]) => Object.getOwnPropertyDescriptor(o, k)?.value ?? Object.getOwnPropertyDescriptor(o, k)?.get);
  const nativeThrowIfAborted = AbortSignal.prototype.throwIfAborted;
  for (const install of [installAbortFixes, installBodyFixes, installResponseClone, installStreamIteration, installTextStreams, installNavigator, installUrlStatics]) install();
  const now = () => watched.map(([o, k]) => Object.getOwnPropertyDescriptor(o, k)?.value ?? Object.getOwnPropertyDescriptor(o, k)?.get);
  const changed = () => watched.filter((_, i) => now()[i] !== before[i]).map(([o, k]) => `${(o as { name?: string }).name ?? o.constructor.name}.${String(k)}`);
  assert.equal(changed(), ["Response.formData", "Request.formData", "Response.blob", "Request.blob"]);
  assert.is.not(AbortSignal.prototype.throwIfAborted, nativeThrowIfAborted, "always replaced: the engine's cannot be tried safely");
  await new Response("a=1", { headers: { "content-type": "application/x-www-form-urlencoded" } }).formData();
  await new Request("https://e.test", { method: "POST", body: "b" }).blob();
  assert.equal(changed(), []);
});

test.run();
