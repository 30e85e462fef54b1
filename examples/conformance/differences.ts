// The conformance checks whose Outpost answer may differ from workerd's, each with the reason; the README's
// web-API section names the same ones. compare.ts fails CI for any difference not listed here, and for a
// listed one that no longer differs.
export const KNOWN_DIFFERENCES: Record<string, string> = {
  "streams.backpressure":
    "workerd reports desiredSize 2 right after a write to an idle sink with highWaterMark 2; the Streams spec (and Outpost, and Node) say 1 while that write is queued",
  "events.target":
    "workerd returns false from dispatchEvent() when a listener called preventDefault() on a non-cancelable event; the DOM spec (and Outpost, and Node) say true",
  "regex.caseFolding":
    "with /iu the engine folds case by simple rules only (no ICU data): the Kelvin sign, capital sharp s and case pairs outside the BMP do not match their other case",
  "regex.runtimeProperty":
    "a RegExp built at run time with \\p{…} cannot be rewritten by outpost build, and the engine has no Unicode property data: it throws SyntaxError",
};
