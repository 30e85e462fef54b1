// crypto.subtle.timingSafeEqual(a, b), the Workers extension to WebCrypto: whether two equally long
// buffers (ArrayBuffers or views) hold the same bytes, in time that depends on their length only; a
// TypeError for buffers of different lengths or for anything else, as in workerd. Installed on the
// prototype of the engine's crypto.subtle (where workerd has it), which stays the same object.
import { defineMethod, hasMethod } from "./define.ts";

const notBuffer = (n: number) => new TypeError(`Failed to execute 'timingSafeEqual' on 'SubtleCrypto': parameter ${n} is not of type 'BufferSource'.`);

/** The bytes of a BufferSource (an ArrayBuffer or a view of one, not shared), or null. */
function bytesOf(v: unknown): Uint8Array | null {
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return null;
}

/** timingSafeEqual for the SubtleCrypto objects `isSubtle` accepts as `this` (workerd's "Illegal invocation" otherwise). */
export function timingSafeEqualFor(isSubtle: (self: unknown) => boolean): (a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView) => boolean {
  return {
    timingSafeEqual(this: unknown, a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean {
      if (!isSubtle(this)) throw new TypeError("Illegal invocation: timingSafeEqual called on an object that is not a SubtleCrypto");
      const x = bytesOf(a);
      if (!x) throw notBuffer(1);
      const y = bytesOf(b);
      if (!y) throw notBuffer(2);
      if (x.byteLength !== y.byteLength) throw new TypeError("Input buffers must have the same byte length.");
      let diff = 0;
      for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
      return diff === 0;
    },
  }.timingSafeEqual;
}

export function installTimingSafeEqual(subtle: object | undefined = globalThis.crypto?.subtle): void {
  if (typeof subtle !== "object" || subtle === null || hasMethod(subtle, "timingSafeEqual")) return;
  const proto = Object.getPrototypeOf(subtle) as object | null;
  const target = proto && proto !== Object.prototype ? proto : subtle;
  defineMethod(target, "timingSafeEqual", timingSafeEqualFor((self) => self === subtle || (typeof self === "object" && self !== null && Object.prototype.isPrototypeOf.call(target, self))));
}
