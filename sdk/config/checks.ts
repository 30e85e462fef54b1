// Reusable value checks for config fields: each reports a problem to the Reporter and returns undefined
// when the value is wrong, so validation carries on and collects every problem in one pass.

import type { FieldPath } from "./field-path.ts";
import type { Reporter } from "./report.ts";
import { closest } from "./suggest.ts";
import { describeValue, isTable } from "./values.ts";

export { isTable };

export type Table = Record<string, unknown>;

export function has(t: Table, key: string): boolean {
  return Object.hasOwn(t, key);
}

export function table(v: unknown, path: FieldPath, r: Reporter): Table | undefined {
  if (isTable(v)) return v;
  r.add(path, `must be a table, got ${describeValue(v)}`);
  return undefined;
}

export function array(v: unknown, path: FieldPath, r: Reporter): unknown[] | undefined {
  if (Array.isArray(v)) return v;
  r.add(path, `must be an array, got ${describeValue(v)}`);
  return undefined;
}

export function string(v: unknown, path: FieldPath, r: Reporter): string | undefined {
  if (typeof v === "string") return v;
  r.add(path, `must be a string, got ${describeValue(v)}`);
  return undefined;
}

/** A string matching `re`; `rule` completes "must be ..." (e.g. "an identifier (letters, digits, _)"). */
export function matching(v: unknown, path: FieldPath, r: Reporter, re: RegExp, rule: string): string | undefined {
  if (typeof v === "string" && re.test(v)) return v;
  r.add(path, `must be ${rule}, got ${describeValue(v)}`);
  return undefined;
}

export function integer(v: unknown, path: FieldPath, r: Reporter, min: number, max: number): number | undefined {
  if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
  r.add(path, `must be an integer from ${min} to ${max}, got ${describeValue(v)}`);
  return undefined;
}

/** An array of strings each matching `re`, without repeats. Returns only the good entries. */
export function nameList(v: unknown, path: FieldPath, r: Reporter, re: RegExp, rule: string): string[] | undefined {
  const items = array(v, path, r);
  if (!items) return undefined;
  const out: string[] = [];
  items.forEach((item, n) => {
    const name = matching(item, [...path, n], r, re, rule);
    if (name === undefined) return;
    if (out.includes(name)) r.add([...path, n], `${JSON.stringify(name)} is listed twice`);
    else out.push(name);
  });
  return out;
}

/** Reports every key of `t` not in `known`, suggesting the nearest known key within two edits. */
export function knownKeys(t: Table, known: readonly string[], path: FieldPath, r: Reporter): void {
  for (const key of Object.keys(t)) {
    if (known.includes(key)) continue;
    const guess = closest(key, known);
    r.add(
      [...path, key],
      guess !== null
        ? `unknown field \`${key}\`, did you mean \`${guess}\`?`
        : `unknown field \`${key}\`, expected one of: ${known.join(", ")}`,
    );
  }
}
