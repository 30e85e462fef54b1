// Step 1 of `outpost build`, after esbuild: rewrites the bundle's regex literals the engine cannot compile
// (Unicode property escapes `\p{…}`/`\P{…}`: StarlingMonkey's SpiderMonkey has no ICU) into equivalent ones.
//
// Only those literals change: `/^\p{Lu}/u` becomes `/^[A-Z\xC0-\xD6…]/u` (regexpu-core, as Babel does it;
// the `u` flag stays, the engine has it), `/[\p{L}--\p{Lu}]/v` a `u` one (set operations and properties of
// strings spelt out). Every other byte stays, and each literal stays on its line, so the bundle's source map
// still gives the author's line; columns after a rewritten literal on its line shift by the length change.
// The literals are found by parsing the bundle with acorn (no regex-versus-division guessing); a bundle
// without `\p{` or `\P{` anywhere is returned as it is without parsing or loading either library.
// `new RegExp("\\p{L}", "u")` is made at run time and cannot be rewritten here.

export interface RegexRewrite {
  code: string;
  /** How many literals were rewritten. */
  rewritten: number;
}

/** A literal the rewrite cannot handle, or a bundle acorn cannot parse; 1-based position in the bundle. */
export class RegexError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, code: string, offset: number) {
    super(message);
    this.name = "RegexError";
    const before = code.slice(0, offset);
    this.line = before.split("\n").length;
    this.column = offset - before.lastIndexOf("\n");
  }
}

/** True when `code` may hold a literal the engine refuses (the cheap test that spares a normal build). */
export function mayNeedRewrite(code: string): boolean {
  return code.includes("\\p{") || code.includes("\\P{");
}

const ESCAPE_SEEN = /\\[pP]\{/;
/** regexpu-core's output holds no raw line terminator in practice; escaped anyway, so that lines stay put. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/g;

interface Found { start: number; end: number; pattern: string; flags: string }

/** `code` (one ES module) with each `u`/`v` regex literal holding `\p{`/`\P{` rewritten; throws a RegexError. */
export async function rewriteRegexes(code: string): Promise<RegexRewrite> {
  if (!mayNeedRewrite(code)) return { code, rewritten: 0 };
  const [{ parse, tokTypes }, { default: rewritePattern }] = await Promise.all([import("acorn"), import("regexpu-core")]);
  const found: Found[] = [];
  try {
    parse(code, {
      ecmaVersion: "latest",
      sourceType: "module",
      onToken: (t) => {
        if (t.type !== tokTypes.regexp) return;
        const { pattern, flags } = (t as unknown as { value: { pattern: string; flags: string } }).value; // acorn types omit it
        if (/[uv]/.test(flags) && ESCAPE_SEEN.test(pattern)) found.push({ start: t.start, end: t.end, pattern, flags });
      },
    });
  } catch (err) {
    const pos = (err as { pos?: number }).pos;
    if (typeof pos !== "number") throw err;
    const text = (err as Error).message.replace(/ \(\d+:\d+\)$/, "");
    throw new RegexError(`${text} (found parsing the bundle to rewrite the Unicode property escapes the engine lacks)`, code, pos);
  }
  let out = "";
  let last = 0;
  let rewritten = 0;
  for (const r of found) {
    let flags = r.flags;
    let pattern: string;
    try {
      pattern = rewritePattern(r.pattern, r.flags, {
        unicodePropertyEscapes: "transform",
        unicodeSetsFlag: "transform",
        onNewFlags: (f) => (flags = f),
      });
    } catch (err) {
      throw new RegexError(`cannot rewrite /${r.pattern}/${r.flags} for the engine, which lacks Unicode property escapes: ${(err as Error).message}`, code, r.start);
    }
    const literal = `/${pattern.replace(LINE_TERMINATOR, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}/${flags}`;
    if (literal === code.slice(r.start, r.end)) continue;
    out += code.slice(last, r.start) + literal;
    last = r.end;
    rewritten++;
  }
  return rewritten ? { code: out + code.slice(last), rewritten } : { code, rewritten: 0 };
}
