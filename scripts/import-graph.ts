// Reads the project's import graph: every relative import (static, dynamic, `new URL(..., import.meta.url)`)
// of every non-test TypeScript/JavaScript file, resolved to a file; prints the table between top-level folders.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

export const root = join(import.meta.dirname, "..");
const SKIP = new Set(["node_modules", "dist", ".git", "fixtures"]);

/** A test file or anything in a test-only folder (not part of the layered program). */
export function isTestPath(rel: string): boolean {
  return /\.test\.ts$/.test(rel) || rel.split("/").some((p) => p === "test");
}

export function sourceFiles(dir = root, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|js|mjs)$/.test(name) && !name.endsWith(".d.ts")) out.push(relative(root, path).split(sep).join("/"));
  }
  return out;
}

const SPECIFIERS = [
  /(?:^|[\s;}])(?:import|export)\s[^'"]*?\sfrom\s*["']([^"']+)["']/g,
  /(?:^|[\s;}])import\s*["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  /new URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url\s*\)/g,
];

/** The project files `file` (relative to the root) imports; `outpost` is the SDK's entry. */
export function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8").replace(/^\s*\/\/.*$/gm, "");
  const out = new Set<string>();
  for (const re of SPECIFIERS) {
    for (const m of text.matchAll(re)) {
      const spec = m[1];
      let target: string | undefined;
      if (spec === "outpost") target = join(root, "sdk/index.ts");
      else if (spec.startsWith(".")) target = resolve(dirname(join(root, file)), spec);
      if (!target || !existsSync(target) || statSync(target).isDirectory()) continue;
      const rel = relative(root, target).split(sep).join("/");
      if (/\.(ts|js|mjs)$/.test(rel)) out.add(rel);
    }
  }
  return [...out];
}

export const folderOf = (rel: string): string => rel.includes("/") ? rel.slice(0, rel.indexOf("/")) : ".";

/** Count of non-test imports from one top-level folder into another. */
export function folderTable(files = sourceFiles().filter((f) => !isTestPath(f))): Map<string, Map<string, number>> {
  const table = new Map<string, Map<string, number>>();
  for (const f of files) {
    for (const t of importsOf(f)) {
      const [a, b] = [folderOf(f), folderOf(t)];
      if (a === b) continue;
      const row = table.get(a) ?? new Map<string, number>();
      row.set(b, (row.get(b) ?? 0) + 1);
      table.set(a, row);
    }
  }
  return table;
}

/** The import circles among `files` (strongly connected components of more than one file, or a self-import). */
export function cycles(files: string[], edges: (f: string) => string[] = importsOf): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>(), on = new Set<string>();
  const stack: string[] = [], out: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next++); stack.push(v); on.add(v);
    for (const w of edges(v)) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) { on.delete(w); scc.push(w); if (w === v) break; }
    if (scc.length > 1 || edges(v).includes(v)) out.push(scc.reverse());
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return out;
}

if (import.meta.main) {
  const table = folderTable();
  const cols = [...new Set([...table.values()].flatMap((r) => [...r.keys()]))].sort();
  console.log(["imports ↓ from →", ...cols].join(" | "));
  for (const [from, row] of [...table].sort()) console.log([from, ...cols.map((c) => String(row.get(c) ?? ""))].join(" | "));
}
