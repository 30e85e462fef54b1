// Builds fixture apps with the real `outpost build` (JS) or packages the C example (prebuilt
// component) into one output directory, ready for `edge-node/main.js` to serve; or builds one and serves it.
import { join } from "node:path";
import { outpost, outpostBuild } from "./cli.ts";
import { FIXTURES, ROOT } from "./paths.ts";
import { startNode, type Running } from "./process.ts";

/** `outpost build` of a fixture under edge-node/test/fixtures into `outDir`. */
export function buildFixture(name: string, outDir: string): Promise<string> {
  return outpostBuild(join(FIXTURES, name), outDir);
}

/** Builds the C example (installing clang when missing) and packages it into `outDir`. */
export async function packageCExample(outDir: string): Promise<void> {
  const { buildCComponent } = await import("../examples/c-hello/build.ts");
  const wasm = await buildCComponent();
  await outpost(["build", "--component", wasm, "--env", "test", "--out-dir", outDir], join(ROOT, "examples", "c-hello"));
}

/** `outpost build` of a fixture (or, with `project`, any app folder) into `dir`/apps, served by one edge node (one thread). */
export async function serveBuilt(name: string, dir: string, opts: { project?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Running> {
  const apps = join(dir, "apps");
  await (opts.project ? outpostBuild(opts.project, apps) : buildFixture(name, apps));
  return startNode(["--port", "0", "--threads", "1", "--quiet", "--cache-dir", join(dir, "cache"), apps], { cwd: ROOT, env: opts.env, timeoutMs: 120_000 });
}
