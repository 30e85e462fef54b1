// The example app as a user's fresh project: wrangler-like.toml and examples/hello copied from an Outpost
// checkout into a temp folder, a one-line code edit, and the machine-wide caches of that checkout (and
// Node's compile cache) emptied for the "fresh clone" rows (and put back afterwards, whatever happens).
import { cpSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../../testkit/temp.ts";

export interface Project {
  dir: string;
  /** Rewrites src/index.ts with one line changed so that the app answers `"edit": marker`; null restores it. */
  edit(marker: string | null): void;
}

const LINE = "greeting: env.GREETING";

export function copyExample(root: string): Project {
  const dir = tempDir("outpost-firstrun-");
  cpSync(join(root, "wrangler-like.toml"), join(dir, "wrangler-like.toml"));
  cpSync(join(root, "examples", "hello"), join(dir, "examples", "hello"), { recursive: true });
  const src = join(dir, "examples", "hello", "src", "index.ts");
  const original = readFileSync(src, "utf8");
  if (!original.includes(LINE)) throw new Error(`${src} has no line with \`${LINE}\` to edit`);
  return {
    dir,
    edit(marker) {
      writeFileSync(src, marker === null ? original : original.replace(LINE, `${LINE}, edit: ${JSON.stringify(marker)}`));
    },
  };
}

/**
 * Runs `fn` as on a fresh clone: with `<root>/node_modules/.cache/outpost` (spliced engines, component
 * wrappers) moved aside and Node's compile cache empty (NODE_COMPILE_CACHE, which the processes `fn`
 * starts inherit, set to a new directory), all put back afterwards whatever happens.
 */
export async function withEmptyMachineCaches<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const dir = join(root, "node_modules", ".cache", "outpost");
  const aside = `${dir}.firstrun-aside`;
  if (existsSync(aside)) throw new Error(`${aside} exists: an earlier bench/firstrun.ts run was cut short; move it back to ${dir}`);
  const had = existsSync(dir);
  if (had) renameSync(dir, aside);
  const compileCache = process.env.NODE_COMPILE_CACHE;
  const emptyCompileCache = tempDir("outpost-firstrun-compile-cache-");
  process.env.NODE_COMPILE_CACHE = emptyCompileCache;
  try {
    return await fn();
  } finally {
    if (compileCache === undefined) delete process.env.NODE_COMPILE_CACHE;
    else process.env.NODE_COMPILE_CACHE = compileCache;
    rmSync(emptyCompileCache, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
    if (had) renameSync(aside, dir);
  }
}
