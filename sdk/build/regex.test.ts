// Tests the rewrite of regex literals the engine cannot compile (regex.ts): which literals change and
// which bytes stay, that rewritten patterns match what the originals match under Node, that bundleApp
// applies it and turns a refused literal into a BuildError at the author's line, and, end to end, that an
// app built by `outpost build` and served by an edge node answers what Node computes (~3 s).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { bundleApp } from "./bundle.ts";
import { BuildError } from "./errors.ts";
import { mayNeedRewrite, RegexError, rewriteRegexes } from "./regex.ts";
import { outpostBuild } from "../../testkit/cli.ts";
import { call } from "../../testkit/http.ts";
import { ROOT } from "../../testkit/paths.ts";
import { startNode } from "../../testkit/process.ts";
import { removeDir, tempDir, writeFiles } from "../../testkit/temp.ts";

const root = tempDir("outpost-regex-");
const guest = join(root, "guest.js"); // a stand-in guest shim, as in bundle.test.ts
writeFileSync(guest, `export function serve(w) { return { incomingHandler: w, scheduledHandler: {}, queueHandler: {} }; }\n`);

function project(name: string, files: Record<string, string>): { dir: string; main: string } {
  const dir = join(root, name);
  writeFiles(dir, files);
  return { dir, main: join(dir, "src/index.ts") };
}

/** The one regex literal `const r = <literal>;` holds after the rewrite, as a RegExp of this Node. */
async function rewritten(literal: string): Promise<{ re: RegExp; source: string; count: number }> {
  const out = await rewriteRegexes(`const r = ${literal};\n`);
  const source = out.code.slice("const r = ".length, -";\n".length);
  return { re: (0, eval)(source) as RegExp, source, count: out.rewritten };
}

test("property escapes become explicit classes, keeping the u flag; \\P and /v too (v becomes u)", async () => {
  for (const literal of ["/^\\p{Lu}\\p{Ll}+$/u", "/[^\\p{L}\\p{N}]+/gu", "/\\P{Script=Greek}/u", "/\\p{Emoji}/u", "/[\\p{L}--\\p{Lu}]/v", "/^\\p{RGI_Emoji}$/v"]) {
    const { source, count } = await rewritten(literal);
    assert.is(count, 1, literal);
    assert.not.match(source, /\\[pP]\{/, literal);
    assert.ok(source.endsWith(literal.endsWith("gu") ? "/gu" : "/u"), `${literal} -> …${source.slice(-10)}`);
  }
});

test("only the literals change: every other byte and every line stays", async () => {
  const before = `const a = 1;\nconst slug = (s) => s.replace(/[^\\p{L}]+/gu, "-"); // after\nconst b = /\\p{N}/u, c = 2;\n`;
  const { code, rewritten: count } = await rewriteRegexes(before);
  assert.is(count, 2);
  const lines = code.split("\n");
  assert.is(lines.length, before.split("\n").length);
  assert.is(lines[0], "const a = 1;");
  assert.ok(lines[1].startsWith("const slug = (s) => s.replace(/[^A-Za-z") && lines[1].endsWith(`]+/gu, "-"); // after`));
  assert.ok(lines[2].startsWith("const b = /[0-9") && lines[2].endsWith("]/u, c = 2;"), lines[2].slice(-20));
  assert.is(lines[3], "");
});

test("strings, comments, templates, non-unicode literals and division are left alone", async () => {
  const code = [
    `const s = "/\\\\p{L}/u", t = '\\\\p{Lu}'; // a /\\p{L}/u comment`,
    `/* /\\p{N}/u */ const tpl = \`/\\\\p{L}/u \${s}\`;`,
    `const plain = /\\p{L}/; // no u flag: \\p is just "p"`,
    `const n = 10, g = 2, u = 1, q = n / 2 / g, r = (n) / g /u; // not a regex "/ g /u"`,
    `if (q) {}`,
    ``,
  ].join("\n");
  const out = await rewriteRegexes(code);
  assert.is(out.rewritten, 0);
  assert.is(out.code, code);
  // A literal right after a block or an `if (…)` is a regex, not a division.
  const after = await rewriteRegexes(`if (x) {}\n/\\p{L}/u.test(s);\nif (y) /\\p{N}/u.exec(s);\n`);
  assert.is(after.rewritten, 2);
});

test("code without \\p{ or \\P{ is returned as it is, without parsing", async () => {
  assert.not.ok(mayNeedRewrite(`const r = /[a-z]+/giv, s = "\\\\q"; x / y;`));
  const notJs = "this is ( not JavaScript /[a-z]/v";
  assert.equal(await rewriteRegexes(notJs), { code: notJs, rewritten: 0 });
});

test("rewritten patterns match what the originals match under Node", async () => {
  const samples = ["A", "a", "É", "é", "ß", "Ω", "ω", "Я", "я", "ǅ", "1", "٣", "½", "Ⅻ", "😀", "👍🏽", "🇫🇷", "𝒜", "𐐀", "𐐨",
    "中", "あ", "ا", "e\u0301", "_", "-", " ", "\u00a0", "\n", "$", "Élan Ünï 123", "Hello, Wörld! 42 😀", "ΑΒΓ αβγ", ""];
  const literals = ["/^\\p{Lu}\\p{Ll}+$/u", "/[^\\p{L}\\p{N}]+/gu", "/\\p{L}/u", "/\\P{L}/u", "/\\p{Lu}/iu", "/\\p{Script=Greek}/u",
    "/\\p{sc=Cyrillic}/u", "/\\p{Script_Extensions=Latin}/u", "/\\p{Emoji}/u", "/\\p{Emoji_Presentation}/gu", "/\\p{Nd}+/u",
    "/\\p{N}/u", "/[\\p{P}\\p{S}]/gu", "/\\p{White_Space}/u", "/\\p{Any}/u", "/\\p{ASCII}/u", "/\\p{Mn}/u", "/(?<w>\\p{L}+)/u",
    "/(?<=\\p{Lu})\\p{Ll}/u", "/(?i:\\p{Lu})b/u", "/[\\p{L}--\\p{Lu}]/v", "/[\\p{L}&&\\p{sc=Greek}]/v", "/^\\p{RGI_Emoji}$/v", "/[\\p{Lu}\\q{ab|c}]/v", "/\\p{Lt}/iv"];
  for (const literal of literals) {
    const original = (0, eval)(literal) as RegExp;
    const { re } = await rewritten(literal);
    for (const s of samples) {
      const what = `${literal} on ${JSON.stringify(s)}`;
      original.lastIndex = re.lastIndex = 0;
      assert.is(re.test(s), original.test(s), what);
      assert.is(s.replace(re, "<$&>"), s.replace(original, "<$&>"), what);
    }
  }
});

test("an invalid literal is a RegexError at its place in the bundle", async () => {
  try {
    await rewriteRegexes(`const a = 1;\nconst r = /\\p{NoSuchThing}/u;\n`);
    assert.unreachable("should have thrown");
  } catch (err) {
    assert.instance(err, RegexError);
    assert.match((err as RegexError).message, "Invalid property name");
    assert.equal([(err as RegexError).line, (err as RegexError).column], [2, 12]); // acorn points past the slash
  }
});

test("bundleApp rewrites the literals, keeps /v ones literals for it, and names the author's line of a bad one", async () => {
  const ok = project("ok", { "src/index.ts": `export default { fetch: (r: Request) => new Response(String(/^\\p{Lu}/u.test(r.url) && /[\\p{L}--\\p{Lu}]/v.test("a"))) };\n` });
  const bundle = await bundleApp(ok, { guest });
  assert.not.match(bundle.code, /\\p\{/);
  assert.not.match(bundle.code, /new RegExp/);

  const bad = project("bad", { "src/index.ts": `// one\nconst ok = 1;\nconst re = /\\p{Lu}|\\p{NoSuchThing}/u;\nexport default { fetch: () => new Response(String(re.test("A") && ok)) };\n` });
  try {
    await bundleApp(bad, { guest });
    assert.unreachable("should have thrown");
  } catch (err) {
    assert.instance(err, BuildError);
    const e = err as BuildError;
    assert.is(e.step, "bundle");
    assert.match(e.message, /bad\/src\/index\.ts:3:12: Invalid regular expression: .*Invalid property name/);
    assert.match(e.message, "3 | const re = /\\p{Lu}|\\p{NoSuchThing}/u;");
    assert.is(e.locations[0].line, 3);
    assert.is(e.locations[0].lineText, "const re = /\\p{Lu}|\\p{NoSuchThing}/u;");
  }
});

/** Evaluated by the app (top-level and per request) and by this Node; the answers must be equal. */
const EXPRESSIONS = `({
  names: ["Élan", "élan", "Ωmega", "ÉLAN", "Zoë", "Ünï"].map((w) => /^\\p{Lu}\\p{Ll}+$/u.test(w)),
  slug: "Élan Ünï 123".replace(/[^\\p{L}\\p{N}]+/gu, "-"),
  atInit: AT_INIT,
  greek: "Ωmega and ΑΒΓ".match(/\\p{Script=Greek}+/gu),
  notLetters: "a1b2 c😀".replace(/\\P{L}/gu, ""),
  emoji: ["😀", "👍🏽", "a"].map((s) => /^\\p{RGI_Emoji}$/v.test(s)),
  lowerOnly: "AbCdÉé".match(/[\\p{L}--\\p{Lu}]/gv),
})`;
const AT_INIT = `"Ça va? Très bien!".replace(/[^\\p{L}]+/gu, " ").trim()`;

test("end to end: an app with property escapes builds, serves, and answers what Node computes", async () => {
  const app = project("e2e", {
    "wrangler-like.toml": `name = "regex-app"\nmain = "src/index.ts"\ncompatibility_date = "2026-11-01"\nroutes = ["regex.test/*"]\n`,
    "src/index.ts": `const AT_INIT = ${AT_INIT};\nexport default { fetch: () => Response.json(${EXPRESSIONS}) };\n`,
  });
  const dist = join(app.dir, "dist");
  await outpostBuild(app.dir, dist);
  const node = await startNode(["--port", "0", "--quiet", "--cache-dir", join(app.dir, "node-cache"), dist], { cwd: ROOT });
  try {
    const res = await call(node.url, "GET", "/", { token: null, headers: { host: "regex.test" } });
    assert.is(res.status, 200, res.bytes.toString());
    const expected = JSON.parse(JSON.stringify(new Function("AT_INIT", `return ${EXPRESSIONS};`)((0, eval)(AT_INIT))));
    assert.equal(res.body, expected);
    assert.is(res.body.slug, "Élan-Ünï-123");
  } finally {
    await node.stop();
  }
});

test.after(() => removeDir(root));

test.run();
