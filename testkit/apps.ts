// Builds fixture apps with the real `outpost build` (JS) or packages the C example (prebuilt
// component) into one output directory, ready for `edge-node/main.ts` to serve.
import { join } from "node:path";
import { outpost, outpostBuild } from "./cli.ts";
import { FIXTURES, ROOT } from "./paths.ts";

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
