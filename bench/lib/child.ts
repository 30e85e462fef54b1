// Runs a benchmark helper script in a fresh Node process (the same Node binary as this one): either to
// completion, reading one JSON result from its last stdout line, or as a long-lived server that
// announces itself with one JSON line and is stopped by its pid.
import { spawn, type ChildProcess } from "node:child_process";

const tail = (s: string, n = 2000) => (s.length > n ? `…${s.slice(-n)}` : s);

/** Runs `script args…` to completion and returns the JSON on its last stdout line. */
export function runChild<T>(script: string, args: string[], opts: { timeoutMs?: number; cwd?: string } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${script} ${args.join(" ")} exited with ${signal ?? code}:\n${tail(err || out)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result on its last line:\n${tail(out)}\n${tail(err)}`));
      }
    });
  });
}

export interface ServerChild<T> {
  info: T;
  stop(): Promise<void>;
}

/** Starts `script args…`, waits for the JSON line it prints when ready, and returns a handle to stop it. */
export function startServerChild<T>(script: string, args: string[], opts: { timeoutMs?: number } = {}): Promise<ServerChild<T>> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    let err = "";
    let ready = false;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    const timer = setTimeout(() => { if (!ready) { child.kill("SIGKILL"); reject(new Error(`${script} did not start within ${opts.timeoutMs ?? 60_000} ms:\n${tail(err)}`)); } }, opts.timeoutMs ?? 60_000);
    child.stderr!.on("data", (d) => (err += d));
    child.stdout!.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (ready || nl < 0) return;
      ready = true;
      clearTimeout(timer);
      try {
        const info = JSON.parse(out.slice(0, nl)) as T;
        resolve({ info, stop: async () => { if (child.exitCode === null) child.kill("SIGTERM"); await exited; } });
      } catch {
        child.kill("SIGKILL");
        reject(new Error(`${script} announced itself with something other than JSON: ${out.slice(0, nl)}`));
      }
    });
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("exit", (code, signal) => {
      if (!ready) { clearTimeout(timer); reject(new Error(`${script} exited with ${signal ?? code} before it was ready:\n${tail(err)}`)); }
    });
  });
}
