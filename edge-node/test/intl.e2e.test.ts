// End to end, the host-backed Intl, locale methods, normalize() and URLPattern (issue #14): the intl fixture,
// built by the real `outpost build` and served by a real edge node whose own locale and time zone are German
// and New York, answers every check of its checks.ts exactly as Node (V8 + ICU, like workerd) does for the
// same calls with workerd's defaults (en-US, UTC), errors included. Cost per call: bench/conformance.ts.
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CHECKS, run } from "./fixtures/intl-app/src/checks.ts";
import { serveBuilt } from "../../testkit/apps.ts";
import type { Running } from "../../testkit/process.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";

type Ctx = { dir: string; node: Running; answers: Record<string, unknown> };
const intl = suite<Ctx>("Intl, locale methods and URLPattern from the host");

async function get(node: Running, path: string): Promise<any> {
  const res = await request(`${node.url}${path}`, { headers: { host: "intl.test" }, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const text = await res.body.text();
  assert.is(res.statusCode, 200, text);
  return JSON.parse(text);
}

intl.before(async (ctx) => {
  process.env.TZ = "UTC"; // Node's side of the comparison, with workerd's time zone (en-US is this process's locale)
  ctx.dir = tempDir("outpost-intl-");
  try {
    const env = { LC_ALL: "de_DE.UTF-8", LANG: "de_DE.UTF-8", TZ: "America/New_York" }; // the host's own must not show
    ctx.node = await serveBuilt("intl-app", ctx.dir, { env });
    ctx.answers = await get(ctx.node, "/all");
  } catch (err) {
    console.error(err); // uvu would not show why the suite did not start
    throw err;
  }
});

intl.after(async (ctx) => {
  await ctx.node?.stop();
  if (ctx.dir) removeDir(ctx.dir);
});

intl("this process computes workerd's defaults, so the comparison means something", () => {
  assert.is(new Intl.NumberFormat().resolvedOptions().locale, "en-US");
  assert.is(new Intl.DateTimeFormat().resolvedOptions().timeZone, "UTC");
});

intl("every check answers what Node answers for the same calls", (ctx) => {
  const names = Object.keys(CHECKS);
  assert.equal(Object.keys(ctx.answers).sort(), [...names].sort());
  for (const name of names) assert.equal(ctx.answers[name], run(name), name);
});

intl("the answers the issue names, spelled out", ({ answers }) => {
  assert.is(answers["nf.currency"], "1.234,50\u00a0€");
  assert.equal((answers.collator as unknown[]).slice(0, 2), [["a", "ä", "z"], ["a", "z", "ä"]]);
  assert.is((answers.normalize as unknown[])[0], 2);
  assert.equal((answers["nf.errors"] as unknown[])[0], { throws: "TypeError", message: "Currency code is required with currency style." });
  assert.equal((answers["nf.errors"] as unknown[])[2], { throws: "RangeError", message: "maximumFractionDigits value is out of range." });
  assert.equal((answers.urlpattern as any[])[0].pathname, { groups: { id: "42" }, input: "/books/42" });
  assert.equal((answers["dtf.format"] as unknown[]).slice(3), ["2/29/2024", "UTC"], "workerd's defaults, not the host's");
  assert.equal(answers.early, ["12,34,567.9", { x: "1" }], "objects made at build time resolve at first use");
});

intl.run();
