// One real edge-node process for a bench scenario (edge-node/main.js, same Node binary): starts it
// timed from spawn to its `ready` line, and reads what it costs: VmRSS/VmHWM of the process from
// /proc/<pid>/status, and per-app series from its Prometheus metrics.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { request } from "undici";
import { EDGE_NODE, ROOT } from "../../testkit/paths.ts";

export interface EdgeNode {
  url: string;
  pid: number;
  /** Spawn until the `ready http://…` line was read. */
  readyMs: number;
  /** The node's own `deployed N app(s) in X ms`. */
  deployedMs: number;
  deployedApps: number;
  stop(): Promise<void>;
}

export interface NodeArgs {
  apps: string;
  threads: number;
  cacheDir: string;
  idleMb?: number | null;
  timeoutMs?: number;
}

/** Nodes still running, killed if the bench exits without stopping them (an error, Ctrl-C). */
const running = new Set<ChildProcess>();
process.once("exit", () => { for (const p of running) p.kill("SIGKILL"); });

/** Starts a node and waits for `ready`; on a timeout or an early exit the process is killed and the error shows its output. */
export function startEdgeNode(a: NodeArgs): Promise<EdgeNode> {
  const args = ["--port", "0", "--threads", String(a.threads), "--quiet", "--cache-dir", a.cacheDir];
  if (a.idleMb != null) args.push("--idle-mb", String(a.idleMb));
  const timeoutMs = a.timeoutMs ?? 120_000;
  const t0 = performance.now();
  const proc = spawn(process.execPath, [EDGE_NODE, ...args, a.apps], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
  running.add(proc);
  const exited = new Promise<void>((r) => proc.once("exit", () => { running.delete(proc); r(); }));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill("SIGTERM");
    const t = setTimeout(() => proc.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(t);
  };
  let out = "";
  return new Promise<EdgeNode>((resolve, reject) => {
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`edge node (${a.apps}) ${why}:\n${out.slice(-3000)}`)));
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs} ms`), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (settled) { if (out.length > 100_000) out = out.slice(-50_000); return; }
      const ready = /ready (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (!ready) return;
      const readyMs = performance.now() - t0;
      const m = /deployed (\d+) app\(s\) in (\d+) ms/.exec(out);
      if (!m) return fail(`printed no "deployed N app(s) in X ms" line`);
      settled = true;
      clearTimeout(timer);
      resolve({ url: ready[1], pid: proc.pid!, readyMs, deployedMs: Number(m[2]), deployedApps: Number(m[1]), stop });
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.once("exit", (code, signal) => fail(`exited with ${signal ?? code} before it was ready`));
    proc.once("error", (err) => fail(`could not start: ${err.message}`));
  });
}

export interface ProcMemory {
  /** Resident set size now, bytes. */
  rss: number;
  /** Peak resident set size so far, bytes. */
  hwm: number;
}

/** VmRSS and VmHWM of a process (Linux /proc). */
export async function procMemory(pid: number): Promise<ProcMemory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch((err: Error) => {
    throw new Error(`cannot read /proc/${pid}/status (this bench reads process memory from Linux /proc): ${err.message}`);
  });
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${field} line`);
    return Number(m[1]) * 1024;
  };
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/** MemAvailable of the machine, bytes (Linux /proc/meminfo). */
export async function memAvailable(): Promise<number> {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(await readFile("/proc/meminfo", "utf8"));
  if (!m) throw new Error("/proc/meminfo has no MemAvailable line");
  return Number(m[1]) * 1024;
}

/** The node's metrics text. */
export async function scrape(url: string): Promise<string> {
  const res = await request(`${url}/_outpost/metrics`);
  if (res.statusCode !== 200) throw new Error(`GET ${url}/_outpost/metrics answered ${res.statusCode}`);
  return res.body.text();
}

/**
 * Sum of every sample of `metric` in a Prometheus text exposition whose labels include all of
 * `labels` (e.g. `{ app: "hold" }`). 0 when there is none.
 */
export function sumMetric(text: string, metric: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(metric)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== metric) continue;
    const have = new Map([...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}
