// Starts one server process of a system on a known port, times process start → first 200 to a given
// request (polling every 2 ms while the port refuses connections, which costs microseconds), and stops
// the process with its whole process group (jco serve runs the server in a grandchild). Every group still
// running is killed when the bench exits, also on SIGINT/SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "undici";
import type { RequestSpec } from "./workloads/index.ts";

export interface LaunchSpec {
  command: string;
  args: string[];
  cwd?: string;
}

export interface Running {
  origin: string;
  pid: number;
  /** spawn() → the end of the first 200's body, ms. */
  coldStartMs: number;
  /** That first answer's body. */
  firstBody: string;
  stop(): Promise<void>;
  output(): string;
}

const live = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try { if (child.pid) process.kill(-child.pid, signal); } catch { /* already gone */ }
};
process.once("exit", () => { for (const child of live) killGroup(child, "SIGKILL"); });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));


const tail = (s: string) => (s.length > 1500 ? `…${s.slice(-1500)}` : s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One request with a deadline; [status, body text]. */
export async function send(origin: string, spec: RequestSpec, timeoutMs: number): Promise<[number, string]> {
  timeoutMs = Math.ceil(timeoutMs);
  const { statusCode, body } = await request(origin + spec.path, {
    method: spec.method, headers: spec.headers, body: spec.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs),
  });
  return [statusCode, await body.text()];
}

/**
 * Spawns `spec` (which must listen on `port`), sends `probe` until it answers 200 (at most `timeoutMs`;
 * an accepted request gets `requestTimeoutMs`), and returns the running process. Throws with the
 * process's output when it exits, answers something else until the deadline, or leaves a request hanging.
 */
export async function launch(spec: LaunchSpec, port: number, probe: RequestSpec, timeoutMs = 60_000, requestTimeoutMs = 15_000): Promise<Running> {
  const origin = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(spec.command, spec.args, { cwd: spec.cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  live.add(child);
  let out = "";
  child.stdout!.on("data", (d) => (out = (out + d).slice(-20_000)));
  child.stderr!.on("data", (d) => (out = (out + d).slice(-20_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => { live.delete(child); r(); }));
  let spawnError: Error | null = null;
  child.once("error", (e) => (spawnError = e));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
    await exited;
    clearTimeout(timer);
    killGroup(child, "SIGKILL"); // a grandchild that outlived its parent
  };
  const what = `${spec.command} ${spec.args.join(" ")}`;
  let last = "no answer yet";
  while (performance.now() - t0 < timeoutMs) {
    if (spawnError) throw new Error(`could not start ${what}: ${(spawnError as Error).message}`);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited with ${child.signalCode ?? child.exitCode} before answering 200:\n${tail(out)}`);
    try {
      const [status, body] = await send(origin, probe, Math.min(requestTimeoutMs, Math.max(1000, timeoutMs - (performance.now() - t0))));
      if (status === 200) return { origin, pid: child.pid!, coldStartMs: performance.now() - t0, firstBody: body, stop, output: () => out };
      last = `answered ${status}: ${body.slice(0, 200)}`;
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (err instanceof TypeError || err instanceof RangeError) throw err; // a bug here, not a server still starting
      if ((err as Error).name === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
        await stop();
        throw new Error(`no answer within ${requestTimeoutMs / 1000} s to ${probe.method} ${probe.path.slice(0, 50)}: the request hung`);
      }
      if (code !== "ECONNREFUSED" && code !== "ECONNRESET" && code !== "UND_ERR_SOCKET") last = `failed: ${(err as Error).message}`;
    }
    await sleep(2);
  }
  await stop();
  throw new Error(`${what} did not answer 200 to ${probe.method} ${probe.path.slice(0, 50)} within ${timeoutMs / 1000} s (${last}):\n${tail(out)}`);
}
