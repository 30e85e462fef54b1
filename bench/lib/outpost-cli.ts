// The real `outpost` CLI (cli/bin.js, this Node) as the benches run it: `outpost(args, cwd)` for any
// command, `outpostBuild(project, outDir)` for a build. The project's content-addressed component cache
// (<project>/.outpost/cache) makes a rebuild of unchanged code take about a second, so benches build in
// stable directories and rebuild on every run.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_DIR } from "./paths.ts";

export const CLI = join(REPO_DIR, "cli", "bin.js");

/** Runs `outpost <args>` in `cwd`; resolves its output, rejects with it when it fails or outlives `timeoutMs`. */
export function outpost(args: string[], cwd: string, timeoutMs = 300_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.on("error", (e) => { clearTimeout(timer); reject(new Error(`could not run outpost ${args.join(" ")}: ${e.message}`)); });
    p.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`outpost ${args.join(" ")} in ${cwd} failed (${signal === "SIGKILL" ? `killed after ${timeoutMs / 1000} s` : code}):\n${out.slice(-3000)}`));
    });
  });
}

/** `outpost build --out-dir outDir` of the project in `project`. */
export function outpostBuild(project: string, outDir: string): Promise<string> {
  return outpost(["build", "--out-dir", outDir], project);
}
