// The real `outpost` CLI (cli/bin.js, this Node unless told otherwise) as tests and benches run it:
// `runCli` resolves exit code and output whatever the code,
// `outpost` resolves the output and rejects when the command fails, `outpostBuild` builds a project.
// A project's content-addressed component cache (<project>/.outpost/cache) makes a rebuild of
// unchanged code take about a second, so benches build in stable directories and rebuild every run.
import { spawn } from "node:child_process";
import { childEnv, CLI } from "./paths.ts";

export interface CliOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Piped to the command's stdin. */
  stdin?: string;
  /** The Node binary (default this one). */
  node?: string;
  /** SIGKILL after this long (default 300 s). */
  timeoutMs?: number;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(opts.node ?? process.execPath, [CLI, ...args], { cwd: opts.cwd, env: childEnv(opts.env), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), opts.timeoutMs ?? 300_000);
    p.on("error", (e) => { clearTimeout(timer); reject(new Error(`could not run outpost ${args.join(" ")}: ${e.message}`)); });
    p.on("close", (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
    p.stdin.end(opts.stdin ?? "");
  });
}

/** Runs `outpost <args>` in `cwd`; resolves its output (stdout then stderr), rejects with it when it fails or outlives `timeoutMs`. */
export async function outpost(args: string[], cwd: string, timeoutMs = 300_000): Promise<string> {
  const r = await runCli(args, { cwd, timeoutMs });
  const out = r.stdout + r.stderr;
  if (r.code === 0) return out;
  const why = r.signal === "SIGKILL" ? `killed after ${timeoutMs / 1000} s` : (r.signal ?? r.code);
  throw new Error(`outpost ${args.join(" ")} in ${cwd} failed (${why}):\n${out.slice(-3000)}`);
}

/** `outpost build --out-dir outDir` of the project in `project`. */
export function outpostBuild(project: string, outDir: string): Promise<string> {
  return outpost(["build", "--out-dir", outDir], project);
}
