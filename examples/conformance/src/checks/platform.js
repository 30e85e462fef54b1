// Conformance checks: timers and microtasks, events and abort signals, structuredClone, compression
// streams, URLPattern, navigator, performance and console.
import { throwsName } from "./util.js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const GZIP_HELLO = "H4sIAAAAAAAAA8tIzcnJV0ivyiwAABlq0t8KAAAA"; // "hello gzip", gzipped by Node's zlib

async function pipeBytes(data, transform) {
  return new Uint8Array(await new Response(new Blob([data]).stream().pipeThrough(transform)).arrayBuffer());
}

export default {
  "timers.order": async () => {
    const seen = [];
    setTimeout(() => seen.push("timeout"), 0);
    queueMicrotask(() => seen.push("microtask"));
    Promise.resolve().then(() => seen.push("promise"));
    seen.push("sync");
    await sleep(5);
    return seen;
  },
  "timers.clear": async () => {
    let fired = 0;
    const t = setTimeout(() => fired++, 1);
    clearTimeout(t);
    const i = setInterval(() => { if (++fired >= 2) clearInterval(i); }, 1);
    await sleep(30);
    return fired;
  },
  "events.target": () => {
    const t = new EventTarget();
    const seen = [];
    t.addEventListener("x", (e) => seen.push(`once:${e.detail}`), { once: true });
    t.addEventListener("x", (e) => { seen.push(`all:${e.detail}`); e.preventDefault(); });
    const r1 = t.dispatchEvent(new CustomEvent("x", { detail: 1, cancelable: true }));
    const r2 = t.dispatchEvent(new CustomEvent("x", { detail: 2 }));
    return [seen, r1, r2, new Event("y").type];
  },
  "events.abort": async () => {
    const c = new AbortController();
    const seen = [];
    c.signal.addEventListener("abort", () => seen.push("abort"));
    c.abort(new RangeError("why"));
    const timeout = AbortSignal.timeout(5);
    await sleep(30);
    const any = AbortSignal.any([new AbortController().signal, AbortSignal.abort("r")]);
    return [seen, c.signal.aborted, c.signal.reason.name, AbortSignal.abort().reason.name, timeout.reason?.name, any.aborted, any.reason, throwsName(() => c.signal.throwIfAborted())];
  },
  "clone.structured": () => {
    const cyclic = { a: 1 };
    cyclic.self = cyclic;
    const src = { m: new Map([[1, "x"]]), s: new Set([2]), d: new Date(0), r: /x/gi, b: 10n, u: new Uint8Array([1, 2]), c: cyclic };
    const out = structuredClone(src);
    return [out.m.get(1), out.s.has(2), out.d.getTime(), out.r.flags, typeof out.b, [...out.u], out.c.self === out.c, out.m !== src.m];
  },
  "clone.errors": () => [throwsName(() => structuredClone(() => 1)), structuredClone(new TypeError("t")).name],
  "compression.roundTrip": async () => {
    const out = [];
    for (const f of ["gzip", "deflate", "deflate-raw"]) {
      const packed = await pipeBytes("compress me ".repeat(20), new CompressionStream(f));
      out.push(new TextDecoder().decode(await pipeBytes(packed, new DecompressionStream(f))).length);
    }
    return out;
  },
  "compression.node": async () => new TextDecoder().decode(await pipeBytes(Uint8Array.from(atob(GZIP_HELLO), (c) => c.charCodeAt(0)), new DecompressionStream("gzip"))),
  "urlpattern.exec": () => {
    const p = new URLPattern({ pathname: "/books/:id(\\d+)" });
    const r = p.exec("https://x.test/books/42?q");
    return [p.test("https://x.test/books/abc"), r?.pathname.groups, r?.pathname.input, p.pathname, p.hasRegExpGroups];
  },
  "urlpattern.base": () => {
    const p = new URLPattern("/api/*", "https://e.test");
    return [p.test("https://e.test/api/v1/x"), p.exec("https://e.test/api/v1/x")?.pathname.groups, p.protocol, throwsName(() => new URLPattern({ pathname: "/(" }))];
  },
  "navigator": () => [typeof navigator, navigator.userAgent, navigator.hardwareConcurrency, typeof navigator.language],
  "performance": () => [typeof performance.now(), performance.now() >= 0, typeof performance.timeOrigin],
  "console": () => ["log", "info", "warn", "error", "debug", "table", "time", "timeEnd"].filter((m) => typeof console[m] === "function"),
};
