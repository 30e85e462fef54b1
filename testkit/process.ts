// Test helper: starts a real `outpost` CLI or edge-node process, waits until it prints its URL, keeps its
// output for assertions, and stops it (SIGTERM, then SIGKILL) at the end of a suite.
import { spawn, type ChildProcess } from "node:child_process";
import { childEnv, CLI, CONTROL_PLANE, EDGE_NODE } from "./paths.ts";

export interface Running {
  url: string;
  proc: ChildProcess;
  output(): string;
  /** Resolves when `pattern` appears in the output after `from` (default: anywhere). */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

type StartOptions = { cwd: string; timeoutMs?: number; urlPattern?: RegExp; env?: NodeJS.ProcessEnv };

/** Starts `outpost <args>`. */
export function startCli(args: string[], opts: StartOptions): Promise<Running> {
  return start([CLI, ...args], opts);
}

/** Starts an edge-node process (`edge-node/main.js <args>`). */
export function startNode(args: string[], opts: StartOptions): Promise<Running> {
  return start([EDGE_NODE, ...args], opts);
}

/** Starts a control-plane process (`control-plane/main.js <args>`). */
export function startControlPlaneProcess(args: string[], opts: StartOptions): Promise<Running> {
  return start([CONTROL_PLANE, ...args], opts);
}

async function start(argv: string[], opts: StartOptions): Promise<Running> {
  const proc = spawn(process.execPath, argv, { cwd: opts.cwd, env: childEnv(opts.env), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => { out += d.toString(); for (const l of listeners) l(); };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<number | null>((r) => proc.on("exit", (code) => { for (const l of listeners) l(); r(code); }));

  const waitFor = (pattern: RegExp, timeoutMs = 60_000, from = 0) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(out.slice(from));
        if (m) { done(); resolve(m); return; }
        if (proc.exitCode !== null) { done(); reject(new Error(`process exited (${proc.exitCode}) before printing ${pattern}:\n${out}`)); }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${out}`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); listeners.delete(check); };
      listeners.add(check);
      check();
    });

  const m = await waitFor(opts.urlPattern ?? /(http:\/\/127\.0\.0\.1:\d+)/, opts.timeoutMs ?? 120_000);
  return {
    url: m[1],
    proc,
    output: () => out,
    waitFor,
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
