// Rewrites positions in the bundle (`hello.js:12:5`) found in an error text to the author's sources
// (`src/index.ts:3:9`), using the source map esbuild made alongside the bundle.
import { SourceMap } from "node:module";
import { isAbsolute, relative, resolve } from "node:path";

/**
 * `map` is the source map JSON, whose `sources` are relative to `dir`; the result names files relative to
 * the current directory when they are inside it. Positions the map does not cover are left as they are.
 */
export function mapPositions(text: string, sourceName: string, map: string | undefined, dir: string, cwd = process.cwd()): string {
  if (!map) return text;
  const sm = new SourceMap(JSON.parse(map));
  const escaped = sourceName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return text.replace(new RegExp(`(?<![\\w/.-])${escaped}:(\\d+):(\\d+)`, "g"), (whole, line: string, col: string) => {
    const entry = sm.findEntry(Number(line) - 1, Number(col) - 1);
    if (!("originalSource" in entry) || !entry.originalSource) return whole;
    const abs = isAbsolute(entry.originalSource) ? entry.originalSource : resolve(dir, entry.originalSource);
    const shown = abs.startsWith(cwd + "/") ? relative(cwd, abs) : abs;
    return `${shown}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
