// Compares the conformance app's answers (GET /all) with workerd's, check by check: the rows of the
// table the bench prints and the verdict the CI test asserts. A known difference (differences.ts) is
// allowed only while it still differs, so the list cannot go stale.
import { isDeepStrictEqual } from "node:util";
import { KNOWN_DIFFERENCES } from "./differences.ts";

/** One check's answer: what it returned (as JSON), or the error it threw. */
export type Answer = { value: unknown } | { error: string };
export type Answers = Record<string, Answer>;

export interface Row {
  check: string;
  workerd: Answer | undefined;
  outpost: Answer | undefined;
  same: boolean;
  /** Why it may differ (from differences.ts), when it is a known difference. */
  known?: string;
}

export function compareAnswers(workerd: Answers, outpost: Answers): Row[] {
  const names = [...new Set([...Object.keys(workerd), ...Object.keys(outpost)])].filter((n) => n !== "noop");
  return names.map((check) => {
    const [w, o] = [workerd[check], outpost[check]];
    const row: Row = { check, workerd: w, outpost: o, same: w !== undefined && isDeepStrictEqual(w, o) };
    if (KNOWN_DIFFERENCES[check]) row.known = KNOWN_DIFFERENCES[check];
    return row;
  });
}

/** What is wrong with a comparison for CI: an unlisted difference, or a listed one that now matches. */
export function problems(rows: Row[]): string[] {
  const out: string[] = [];
  for (const r of rows) {
    if (!r.same && !r.known) out.push(`${r.check}: workerd ${show(r.workerd)}, Outpost ${show(r.outpost)}`);
    if (r.same && r.known) out.push(`${r.check}: now gives workerd's answer; remove it from examples/conformance/differences.ts`);
  }
  for (const name of Object.keys(KNOWN_DIFFERENCES)) if (!rows.some((r) => r.check === name)) out.push(`${name}: listed in differences.ts but no such check`);
  return out;
}

export function show(a: Answer | undefined, max = 160): string {
  if (a === undefined) return "(missing)";
  const text = "error" in a ? `throws ${a.error}` : JSON.stringify(a.value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
