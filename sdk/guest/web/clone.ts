// Response.prototype.clone (Fetch §5.5): a copy with the same status, status text, headers (copied),
// url, type and redirected, whose body is one branch of a tee of this body. The engine cannot give a
// response a new body, so this response goes on reading the other branch through a Response made over
// it: its body, bodyUsed and body readers become own (non-enumerable) properties that read from that.
import { defineMethod, hasMethod } from "./define.ts";

const READERS = ["arrayBuffer", "blob", "bytes", "formData", "json", "text"] as const;
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function readThrough(res: Response, branch: ReadableStream<Uint8Array>): void {
  const inner = new Response(branch, { headers: res.headers });
  const own: PropertyDescriptorMap = {
    body: { get: () => inner.body, configurable: true },
    bodyUsed: { get: () => inner.bodyUsed, configurable: true },
  };
  for (const name of READERS) {
    const read = (inner as unknown as Record<string, (() => Promise<unknown>) | undefined>)[name];
    if (typeof read === "function") own[name] = { value: () => read.call(inner), writable: true, configurable: true };
  }
  Object.defineProperties(res, own);
}

export function clone(this: Response): Response {
  if (!(this instanceof Response)) throw new TypeError("Response.clone: 'this' is not a Response");
  const body = this.body;
  if (this.bodyUsed || body?.locked) throw new TypeError("Response.clone: Body has already been consumed.");
  let copied: ReadableStream<Uint8Array> | null = null;
  if (body && !NULL_BODY_STATUS.has(this.status)) {
    const [mine, theirs] = body.tee();
    readThrough(this, mine);
    copied = theirs;
  }
  const copy = new Response(copied, { status: this.status, statusText: this.statusText, headers: this.headers });
  for (const key of ["url", "type", "redirected"] as const) {
    const value = this[key];
    if (value !== undefined && copy[key] !== value) Object.defineProperty(copy, key, { value, configurable: true });
  }
  return copy;
}

export function installResponseClone(): void {
  if (!hasMethod(Response.prototype, "clone")) defineMethod(Response.prototype, "clone", clone);
}
