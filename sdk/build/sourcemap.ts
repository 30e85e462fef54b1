// Rewrites positions in the bundle (`hello.js:12:5`) found in an error text to the author's sources
// (`src/index.ts:3:9`), using the source map esbuild made alongside the bundle; or maps one position.
import { SourceMap } from "node:module";
import { isAbsolute, relative, resolve } from "node:path";
import type { SourceLocation } from "./errors.ts";

/** The author's place for 1-based `line`:`column` of the bundle, its file relative to `cwd` when inside it. */
function locate(sm: SourceMap, line: number, column: number, dir: string, cwd: string): (SourceLocation & { source: string }) | null {
  const entry = sm.findEntry(line - 1, column - 1);
  if (!("originalSource" in entry) || !entry.originalSource) return null;
  const abs = isAbsolute(entry.originalSource) ? entry.originalSource : resolve(dir, entry.originalSource);
  const shown = abs.startsWith(cwd + "/") ? relative(cwd, abs) : abs;
  return { file: shown, line: entry.originalLine + 1, column: entry.originalColumn + 1, source: entry.originalSource };
}

/**
 * `map` is the source map JSON, whose `sources` are relative to `dir`; the result names files relative to
 * the current directory when they are inside it. Positions the map does not cover are left as they are.
 */
export function mapPositions(text: string, sourceName: string, map: string | undefined, dir: string, cwd = process.cwd()): string {
  if (!map) return text;
  const sm = new SourceMap(JSON.parse(map));
  const escaped = sourceName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`(?<![\\w/.-])${escaped}:(\\d+):(\\d+)`, "g"), (whole, line: string, col: string) => {
    const where = locate(sm, Number(line), Number(col), dir, cwd);
    return where ? `${where.file}:${where.line}:${where.column}` : whole;
  });
}

/** Where 1-based `line`:`column` of the bundle comes from, with that source line's text when the map holds it; or null. */
export function originalLocation(map: string, line: number, column: number, dir: string, cwd = process.cwd()): SourceLocation | null {
  if (!map) return null;
  const sm = new SourceMap(JSON.parse(map));
  const where = locate(sm, line, column, dir, cwd);
  if (!where) return null;
  const { source, ...location } = where;
  const content = sm.payload.sourcesContent?.[sm.payload.sources.indexOf(source)];
  const lineText = content?.split(/\r\n|\r|\n/)[location.line - 1];
  return lineText === undefined ? location : { ...location, lineText };
}
