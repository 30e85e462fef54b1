// Rewrites the JS bindings componentize-js 0.23 splices into the engine (engine.ts's jsBindings, the wizer
// initializer), which run inside the guest, where StarlingMonkey interprets JS without a JIT: a loop there
// costs ~0.15 µs per iteration, so per-character work in a host call is what a host call costs.
// - `_utf8AllocateAndEncode`, which lowers every string argument of every import, counted the string's
//   UTF-8 length in a JS loop over its characters before encoding it; it now encodes natively
//   (TextEncoder.encode, which also writes U+FFFD for a lone surrogate) and copies the bytes in.
// - `_debugLog(...)` statements (two per call, each building an object) are skipped unless debugging:
//   `_debugLog` itself returns at once when JCO_DEBUG is unset, which it always is in the guest.
// Every rewrite checks the exact text it expects and leaves anything else as generated.

/** In toolchain.ts's versions, so in the build's cache keys: bump it whenever the output of this file changes. */
export const BINDINGS_PATCH_VERSION = "bindings-1";

export interface BindingsPatchReport {
  js: string;
  /** Whether `_utf8AllocateAndEncode` was the expected text and is now native. */
  encoderNative: boolean;
  /** `_debugLog(...)` statements now guarded. */
  debugLogsGuarded: number;
}

const ENCODER_START = "function _utf8AllocateAndEncode(s, realloc, memory) {\n";
const ENCODER_END = "\n  const res = { ptr, len, codepoints };\n  return res;\n}\n";
/** Lines of the generated body that identify it (the counting loop and the encodeInto). */
const ENCODER_MARKS = ["  for (let i = 0; i < s.length; i++) {\n    const ch = s.charCodeAt(i);\n    codepoints++;", "TEXT_ENCODER_UTF8.encodeInto("];

const NATIVE_ENCODER = `${ENCODER_START}  if (typeof s !== 'string') {
    throw new TypeError('expected a string, received [' + typeof s + ']');
  }
  if (s.length === 0) { return { ptr: 1, len: 0 }; }
  const bytes = TEXT_ENCODER_UTF8.encode(s);
  const len = bytes.length;
  const ptr = realloc(0, 0, 1, len);
  new Uint8Array(memory.buffer, ptr, len).set(bytes);
  return { ptr, len };
}
`;

const DEBUG_DEFINITION = "const _debugLog = (...args) => {\n  if (!globalThis?.process?.env?.JCO_DEBUG) { return; }";
const DEBUG_CALL = /^( *)_debugLog\(/gm;
const DEBUG_FLAG = "const __jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG;\n";

export function patchBindings(js: string): BindingsPatchReport {
  let out = js;
  let encoderNative = false;
  const start = out.indexOf(ENCODER_START);
  const end = start === -1 ? -1 : out.indexOf(ENCODER_END, start);
  if (start !== -1 && end !== -1 && out.indexOf(ENCODER_START, start + 1) === -1) {
    const body = out.slice(start, end + ENCODER_END.length);
    if (ENCODER_MARKS.every((m) => body.includes(m))) {
      out = out.slice(0, start) + NATIVE_ENCODER + out.slice(end + ENCODER_END.length);
      encoderNative = true;
    }
  }
  let debugLogsGuarded = 0;
  const def = out.indexOf(DEBUG_DEFINITION);
  if (def !== -1 && out.indexOf(DEBUG_DEFINITION, def + 1) === -1) {
    out = out.slice(0, def) + DEBUG_FLAG + out.slice(def);
    out = out.replace(DEBUG_CALL, (_m, indent: string) => {
      debugLogsGuarded++;
      return `${indent}__jcoDebug && _debugLog(`;
    });
  }
  return { js: out, encoderNative, debugLogsGuarded };
}
