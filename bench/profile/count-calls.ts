// Counts the host calls one request makes on a reused instance: wraps every method of the host's
// resource classes and every import function, serves some requests, and prints calls per request.
//
//   node_modules/.bin/node bench/profile/count-calls.ts [component.wasm] [path]
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ComponentApp } from "../../runtime/app.ts";
import { Fields } from "../../runtime/host/fields.ts";
import { FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions } from "../../runtime/host/http-outgoing.ts";
import { FutureTrailers, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam } from "../../runtime/host/http-types.ts";
import { IoError, Pollable } from "../../runtime/host/poll.ts";
import { InputStream, OutputStream } from "../../runtime/host/streams.ts";
import { insecureRandom, monotonicClock, random, wallClock } from "../../runtime/host/system.ts";
import { fakeRequest, fakeResponse } from "../lib/fake-http.ts";

const [wasm = "dist/hello.wasm", path = "/"] = process.argv.slice(2);
const counts = new Map<string, number>();
let counting = false;
const wrap = (owner: any, name: string, label: string) => {
  const desc = Object.getOwnPropertyDescriptor(owner, name);
  const orig = desc?.value;
  if (typeof orig !== "function" || name === "constructor") return;
  owner[name] = function (this: unknown, ...args: unknown[]) {
    if (counting) counts.set(label, (counts.get(label) ?? 0) + 1);
    return orig.apply(this, args);
  };
};
const classes = { Fields, FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions, FutureTrailers, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam, IoError, Pollable, InputStream, OutputStream };
for (const [cname, cls] of Object.entries(classes)) {
  for (const m of Object.getOwnPropertyNames(cls.prototype)) wrap(cls.prototype, m, `${cname}.${m}`);
  for (const m of Object.getOwnPropertyNames(cls)) if (!["length", "name", "prototype"].includes(m)) wrap(cls, m, `${cname}::${m}`);
}
for (const [name, obj] of Object.entries({ monotonicClock, wallClock, random, insecureRandom })) {
  for (const m of Object.keys(obj)) wrap(obj, m, `${name}.${m}`);
}

const bytes = new Uint8Array(await readFile(wasm));
const app = await ComponentApp.load(bytes, { name: "count", vars: { GREETING: "bench", FEATURES: { echo: true } }, onLog: () => {}, cacheDir: join(tmpdir(), "outpost-profile-cache") });
await app.warm();
for (let i = 0; i < 10; i++) await app.serve(fakeRequest(path), fakeResponse().res);
const N = 100;
counting = true;
for (let i = 0; i < N; i++) await app.serve(fakeRequest(path), fakeResponse().res);
counting = false;
let total = 0;
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) { console.log(`${(v / N).toFixed(2).padStart(7)}  ${k}`); total += v; }
console.log(`${(total / N).toFixed(2).padStart(7)}  total host method calls per request (the glue's own resource drops not included)`);
