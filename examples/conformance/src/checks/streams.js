// Conformance checks: WHATWG streams (readable, writable, transform, tee, pipes, byte streams, backpressure).
import { readText, throwsName } from "./util.js";

export default {
  "streams.readable": async () => {
    const rs = new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
    const out = [];
    for await (const chunk of rs) out.push(chunk);
    return out;
  },
  "streams.tee": async () => {
    const rs = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("tee")); c.close(); } });
    const [a, b] = rs.tee();
    return [await readText(a), await readText(b)];
  },
  "streams.transform": async () => {
    const upper = new TransformStream({ transform(chunk, c) { c.enqueue(chunk.toUpperCase()); } });
    const rs = new ReadableStream({ start(c) { c.enqueue("x"); c.enqueue("y"); c.close(); } });
    const out = [];
    for await (const chunk of rs.pipeThrough(upper)) out.push(chunk);
    return out;
  },
  "streams.pipeTo": async () => {
    const got = [];
    const ws = new WritableStream({ write(c) { got.push(c); } });
    await new ReadableStream({ start(c) { c.enqueue(1); c.enqueue(2); c.close(); } }).pipeTo(ws);
    return got;
  },
  "streams.locked": () => {
    const rs = new ReadableStream();
    rs.getReader();
    return [rs.locked, throwsName(() => rs.getReader())];
  },
  "streams.byob": async () => {
    const rs = new ReadableStream({ type: "bytes", start(c) { c.enqueue(new Uint8Array([1, 2, 3])); c.close(); } });
    const reader = rs.getReader({ mode: "byob" });
    const r = await reader.read(new Uint8Array(2));
    return [r.done, [...r.value]];
  },
  "streams.backpressure": () => {
    const ws = new WritableStream({}, new CountQueuingStrategy({ highWaterMark: 2 }));
    const w = ws.getWriter();
    const sizes = [w.desiredSize];
    w.write("a");
    sizes.push(w.desiredSize);
    return sizes;
  },
  "streams.from": async () => {
    if (typeof ReadableStream.from !== "function") return "ReadableStream.from missing";
    const out = [];
    for await (const x of ReadableStream.from(["p", "q"])) out.push(x);
    return out;
  },
  "streams.error": async () => {
    const rs = new ReadableStream({ start(c) { c.error(new RangeError("boom")); } });
    return throwsName(() => rs.getReader().read());
  },
};
