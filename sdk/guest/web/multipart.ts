// A multipart/form-data body parsed into FormData (RFC 7578), as workerd parses it: a part with a
// non-empty filename becomes a File holding the part's bytes, its name and its Content-Type; any other
// part a string (UTF-8, a BOM kept). Line breaks may be CRLF or LF; a malformed body is a TypeError.

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

function fail(why: string): never {
  throw new TypeError(`Failed to parse body as FormData: ${why}`);
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  for (let i = hay.indexOf(needle[0], from); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(needle[0], i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

interface Delimiter { at: number; after: number; close: boolean }

/** The next `--boundary` line at or after `from` (anywhere for the first, at a line's start otherwise). */
function nextDelimiter(body: Uint8Array, delimiter: Uint8Array, from: number, first: boolean): Delimiter | null {
  for (let at = indexOf(body, delimiter, from); at >= 0; at = indexOf(body, delimiter, at + 1)) {
    if (!first && body[at - 1] !== LF) continue;
    let j = at + delimiter.length;
    if (body[j] === DASH && body[j + 1] === DASH) return { at, after: j + 2, close: true };
    while (body[j] === 0x20 || body[j] === 0x09) j++; // transport padding
    if (body[j] === CR) j++;
    if (body[j] === LF) return { at, after: j + 1, close: false };
  }
  return null;
}

/** A part's headers from `from` to its blank line: the two that matter, and where the content starts. */
function partHeaders(body: Uint8Array, from: number): { disposition: string; type: string; start: number } {
  let disposition: string | null = null;
  let type = "";
  for (let pos = from; ;) {
    const lf = body.indexOf(LF, pos);
    if (lf < 0) fail("a part's headers do not end");
    const line = decoder.decode(body.subarray(pos, body[lf - 1] === CR && lf > pos ? lf - 1 : lf));
    pos = lf + 1;
    if (line === "") return { disposition: disposition ?? fail("a part has no Content-Disposition header"), type, start: pos };
    const colon = line.indexOf(":");
    if (colon <= 0) fail(`a part has an invalid header line: ${line}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    else if (name === "content-type") type = value;
  }
}

/** `name` and `filename` of a `form-data` Content-Disposition (quoted values only, backslash escapes undone). */
function dispositionParams(value: string): { name: string; filename: string | undefined } {
  if (!/^form-data\s*(;|$)/i.test(value)) fail(`a part's Content-Disposition is not form-data: ${value}`);
  const params = new Map<string, string>();
  for (const m of value.matchAll(/;\s*([^\s=;]+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    const key = m[1].toLowerCase();
    if (!params.has(key)) params.set(key, m[2].replace(/\\(.)/g, "$1"));
  }
  const name = params.get("name");
  if (name === undefined) fail("a part's Content-Disposition has no name");
  return { name, filename: params.get("filename") };
}

export function parseMultipart(body: Uint8Array<ArrayBuffer>, boundary: string): FormData {
  const delimiter = encoder.encode(`--${boundary}`);
  const form = new FormData();
  let d = nextDelimiter(body, delimiter, 0, true) ?? fail("no initial boundary string");
  while (!d.close) {
    const { disposition, type, start } = partHeaders(body, d.after);
    const { name, filename } = dispositionParams(disposition);
    const next = nextDelimiter(body, delimiter, start, false) ?? fail("no boundary string after a part");
    const end = Math.max(start, next.at - 1 - (body[next.at - 2] === CR ? 1 : 0)); // the line break before it is not content
    const content = body.subarray(start, end);
    if (filename) form.append(name, new File([content], filename, { type }));
    else form.append(name, decoder.decode(content));
    d = next;
  }
  return form;
}
