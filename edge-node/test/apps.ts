// Test helper: builds fixture apps with the real `outpost build` (JS) or packages the C example
// (prebuilt component) into one output directory, ready for `edge-node/main.ts` to serve.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CLI, ROOT } from "./process.ts";

function run(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`outpost ${args.join(" ")} failed (${code}):\n${out}`))));
  });
}

/** `outpost build` of a fixture under edge-node/test/fixtures into `outDir`. */
export function buildFixture(name: string, outDir: string): Promise<string> {
  return buildProject(join(ROOT, "edge-node", "test", "fixtures", name), outDir);
}

/** `outpost build` of the project in `dir` (e.g. an example under examples/) into `outDir`. */
export function buildProject(dir: string, outDir: string): Promise<string> {
  return run(["build", "--out-dir", outDir], dir);
}

/** Builds the C example (installing clang when missing) and packages it into `outDir`. */
export async function packageCExample(outDir: string): Promise<void> {
  const { buildCComponent } = await import("../../examples/c-hello/build.ts");
  const wasm = await buildCComponent();
  await run(["build", "--component", wasm, "--env", "test", "--out-dir", outDir], join(ROOT, "examples", "c-hello"));
}
