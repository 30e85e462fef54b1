// atob()/btoa() throwing workerd's InvalidCharacterError DOMException where the engine throws a RangeError
// (btoa of a character outside Latin-1, atob of text that is not base64); valid input goes straight to the native.
import { defineMethod } from "./define.ts";

type Codec = (data: string) => string;

/** workerd's messages, so a logged error reads the same on both. */
export const BTOA_MESSAGE = "btoa() can only operate on characters in the Latin1 (ISO/IEC 8859-1) range.";
export const ATOB_MESSAGE = "atob() called with invalid base64-encoded data. (Only whitespace, '+', '/', alphanumeric ASCII, and up to two terminal '=' signs when the input data length is divisible by 4 are allowed.)";

/**
 * `native(data)` with a RangeError rethrown as an InvalidCharacterError. `data` is made a string first
 * (a Symbol is the TypeError it is natively), so only the decoding itself can throw the RangeError;
 * no argument at all is left to the native, whose TypeError says so.
 */
function run(native: Codec, message: string, data: unknown, argc: number): string {
  if (argc === 0) return Reflect.apply(native, undefined, []) as string;
  const text = `${data as string}`;
  try {
    return native(text);
  } catch (err) {
    throw err instanceof RangeError ? new DOMException(message, "InvalidCharacterError") : err;
  }
}

/** btoa() over the engine's `native`: its answers, and an InvalidCharacterError for a non-Latin-1 character. */
export function fixedBtoa(native: Codec): Codec {
  return { btoa(data: string): string { return run(native, BTOA_MESSAGE, data, arguments.length); } }.btoa;
}

/** atob() over the engine's `native`: its answers, and an InvalidCharacterError for text that is not base64. */
export function fixedAtob(native: Codec): Codec {
  return { atob(data: string): string { return run(native, ATOB_MESSAGE, data, arguments.length); } }.atob;
}

/** Whether `codec(bad)` throws what it should not: anything but an InvalidCharacterError DOMException. */
function throwsWrongError(codec: Codec, bad: string): boolean {
  try {
    codec(bad);
    return false; // not throwing at all is a different bug, not this fix's
  } catch (err) {
    return !(err instanceof DOMException && err.name === "InvalidCharacterError");
  }
}

export function installBase64Errors(): void {
  if (typeof btoa === "function" && throwsWrongError(btoa, "\u0100")) defineMethod(globalThis, "btoa", fixedBtoa(btoa));
  if (typeof atob === "function" && throwsWrongError(atob, "*")) defineMethod(globalThis, "atob", fixedAtob(atob));
}
