// Conformance checks: the fetch types (Headers, Request, Response, FormData, Blob, File) without network.
import { hex, throwsName } from "./util.js";

export default {
  "fetch.headers": () => {
    const h = new Headers([["B", "2"], ["a", "1"]]);
    h.append("a", "3");
    h.append("Set-Cookie", "x=1");
    h.append("set-cookie", "y=2");
    return [[...h], h.get("A"), h.getSetCookie(), h.has("b")];
  },
  "fetch.headersInvalid": () => throwsName(() => new Headers({ "bad name": "x" })),
  "fetch.request": async () => {
    const r = new Request("https://e.test/p?q=1", { method: "post", headers: { "content-type": "text/plain" }, body: "hi" });
    return [r.method, r.url, r.headers.get("content-type"), await r.text(), r.bodyUsed];
  },
  "fetch.requestGetBody": () => throwsName(() => new Request("https://e.test", { method: "GET", body: "x" })),
  "fetch.response": async () => {
    const r = new Response("body", { status: 201, statusText: "Created", headers: { "x-a": "1" } });
    return [r.status, r.statusText, r.ok, r.headers.get("x-a"), r.headers.get("content-type"), await r.text()];
  },
  "fetch.responseJson": async () => {
    const r = Response.json({ a: [1, 2] }, { status: 202 });
    return [r.status, r.headers.get("content-type"), await r.json()];
  },
  "fetch.responseRedirect": () => {
    const r = Response.redirect("https://e.test/next", 307);
    return [r.status, r.headers.get("location"), throwsName(() => Response.redirect("https://e.test", 200))];
  },
  "fetch.responseClone": async () => {
    const a = new Response("twice", { status: 203, headers: { "x-k": "v" } });
    const b = a.clone();
    return [await a.text(), await b.text(), b.status, b.headers.get("x-k")];
  },
  "fetch.requestClone": async () => {
    const a = new Request("https://e.test/", { method: "PUT", body: "req" });
    const b = a.clone();
    return [await b.text(), await a.text(), b.method];
  },
  "fetch.cloneUsed": async () => {
    const a = new Response("x");
    await a.text();
    return throwsName(() => a.clone());
  },
  "fetch.bodyUsedTwice": async () => {
    const r = new Response("once");
    await r.text();
    return throwsName(() => r.text());
  },
  "fetch.blob": async () => {
    const b = new Blob(["ab", new Uint8Array([0x63]), new Blob(["d"])], { type: "Text/Plain" });
    const s = b.slice(1, 3);
    return [b.size, b.type, await b.text(), await s.text(), hex(await b.arrayBuffer())];
  },
  "fetch.file": async () => {
    const f = new File(["x"], "a.txt", { type: "text/plain", lastModified: 1700000000000 });
    return [f.name, f.type, f.size, f.lastModified, f instanceof Blob];
  },
  "fetch.formDataText": async () => {
    const fd = new FormData();
    fd.append("a", "1");
    fd.append("a", "2");
    fd.set("b", "3");
    return [[...fd], fd.getAll("a"), fd.has("b")];
  },
  "fetch.formDataBlob": async () => {
    const fd = new FormData();
    fd.append("f", new Blob(["x"], { type: "text/plain" }), "f.txt");
    fd.append("t", "text");
    const back = await new Response(fd).formData();
    const f = back.get("f");
    return [typeof f === "string" ? `string:${f}` : [f.name, f.type, await f.text()], back.get("t")];
  },
  "fetch.urlencodedBody": async () => {
    const r = new Response(new URLSearchParams({ a: "1 2", b: "é" }));
    return [r.headers.get("content-type"), await r.text()];
  },
  "fetch.formDataParse": async () => {
    const r = new Request("https://e.test", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1&b=x+y" });
    return [...(await r.formData())];
  },
};
