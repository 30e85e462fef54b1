// Helpers shared by the conformance checks: bytes to hex, reading a stream to text, and the answer for a
// thrown error (its class name only: engines word messages differently, the class is the contract).
export const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
export const bytes = (text) => new TextEncoder().encode(text);

export async function readText(stream) {
  return new Response(stream).text();
}

const returned = (value) => ({ returned: String(value) });
const threw = (err) => ({ throws: err?.name ?? typeof err });

/** What a call that should throw gives: {throws: "TypeError"}, or {returned: value} if it did not; a promise
 * only when the call returned one (so a sync check can put the answer straight into its result). */
export function throwsName(fn) {
  try {
    const value = fn();
    return typeof value?.then === "function" ? value.then(returned, threw) : returned(value);
  } catch (err) {
    return threw(err);
  }
}
