// CI half of the conformance suite (issue #14): the app built by `outpost build` and served by a real edge
// node gives workerd's recorded answer (expected.json, refreshed by `node bench/conformance.ts --record`)
// for every check, except the known differences that differences.ts lists with a reason.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { compareAnswers, problems, type Answers } from "./compare.ts";
import { KNOWN_DIFFERENCES } from "./differences.ts";
import { CONFORMANCE_APP, fetchAnswers, serveConformance } from "../../testkit/conformance.ts";
import type { Running } from "../../testkit/process.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";

interface Expected { workerd: string; checks: Answers }
const expected = JSON.parse(readFileSync(join(CONFORMANCE_APP, "expected.json"), "utf8")) as Expected;

type Ctx = { dir: string; node: Running; answers: Answers };
const conformance = suite<Ctx>("web APIs give workerd's answers");

conformance.before(async (ctx) => {
  ctx.dir = tempDir("outpost-conformance-");
  ctx.node = await serveConformance(ctx.dir);
  ctx.answers = await fetchAnswers(ctx.node.url);
});

conformance.after(async (ctx) => {
  await ctx.node?.stop();
  removeDir(ctx.dir);
});

conformance("the app runs every check workerd was recorded with", (ctx) => {
  const missing = Object.keys(expected.checks).filter((n) => !(n in ctx.answers));
  assert.equal(missing, []);
  assert.ok(Object.keys(expected.checks).length >= 80, "the suite keeps its size");
});

conformance(`every check matches workerd ${expected.workerd}, but the ${Object.keys(KNOWN_DIFFERENCES).length} listed differences`, (ctx) => {
  assert.equal(problems(compareAnswers(expected.checks, ctx.answers)), []);
});

conformance("the comparison can fail: a changed answer and a stale known difference are both reported", () => {
  const [name] = Object.keys(expected.checks).filter((n) => !KNOWN_DIFFERENCES[n]);
  const wrong = { ...expected.checks, [name]: { value: "something else" } };
  assert.ok(problems(compareAnswers(expected.checks, wrong)).some((p) => p.startsWith(`${name}:`)));
  const known = Object.keys(KNOWN_DIFFERENCES)[0];
  if (known) assert.ok(problems(compareAnswers(expected.checks, { ...expected.checks })).some((p) => p.startsWith(`${known}:`)));
});

conformance.run();
