// The timed steps of bench/firstrun.ts, each against a real `outpost` process of the checkout under test:
// npm's postinstall (spawn → exit), a build (spawn → exit), `outpost dev` (spawn → first 200; save of an edit → the new code answers) and
// `outpost up` (spawn → a 200 from every region). Polls every 20 ms; a sample that times out throws.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { request } from "undici";
import { freePort, freePortBase } from "../../testkit/listen.ts";
import { childEnv } from "../../testkit/paths.ts";
import type { Project } from "./project.ts";

const REGION_OFFSETS = [7, 8, 9]; // outpost up: the control plane on the base port, regions on base+7..9

interface Proc { child: ChildProcess; output(): string; exited: Promise<number | null> }

function start(root: string, args: string[], cwd: string): Proc {
  const child = spawn(process.execPath, [join(root, "cli", "bin.js"), ...args], { cwd, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}

async function stop(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGINT");
  const t = setTimeout(() => p.child.kill("SIGKILL"), 20_000);
  await p.exited;
  clearTimeout(t);
}

/** GET `url`: status and body text, or status 0 when nothing answers yet. */
async function probe(url: string): Promise<{ status: number; text: string }> {
  try {
    const res = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
    return { status: res.statusCode, text: await res.body.text() };
  } catch {
    return { status: 0, text: "" };
  }
}

/** Resolves when `ok` holds for an answer from `url`; throws after `timeoutMs` or when `proc` exits. */
async function pollUntil(url: string, ok: (r: { status: number; text: string }) => boolean, timeoutMs: number, proc: Proc): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (ok(await probe(url))) return;
    if (proc.child.exitCode !== null) throw new Error(`outpost exited (${proc.child.exitCode}) before ${url} answered:\n${proc.output().slice(-3000)}`);
    if (Date.now() > end) throw new Error(`${url} did not answer as expected within ${timeoutMs / 1000} s:\n${proc.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What `npm install` runs last, `npm run postinstall` (scripts/prepare.ts: the machine's build caches): spawn → exit 0, in ms;
 * null for a checkout from before the postinstall existed (bench --root on an old commit). */
export async function timePostinstall(root: string, timeoutMs: number): Promise<number | null> {
  if (!existsSync(join(root, "scripts", "prepare.ts"))) return null;
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(root, "scripts", "prepare.ts")], { cwd: root, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  clearTimeout(timer);
  if (code !== 0 || !out.includes("build caches prepared")) throw new Error(`scripts/prepare.ts did not prepare the caches (${code}):\n${out.slice(-3000)}`);
  return performance.now() - t0;
}

/** `outpost build` in the project: spawn → exit 0, in ms. */
export async function timeBuild(root: string, project: Project, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  const p = start(root, ["build"], project.dir);
  const timer = setTimeout(() => p.child.kill("SIGKILL"), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`outpost build failed (${code}):\n${p.output().slice(-3000)}`);
  return performance.now() - t0;
}

/**
 * `outpost dev` on a cached build: spawn → the current code's first 200, then, `idleMs` later (0: at once),
 * a saved one-line edit → the new code answers.
 */
export async function timeDev(root: string, project: Project, marker: string, timeoutMs: number, idleMs = 0): Promise<{ first200: number; edit: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const t0 = performance.now();
  const p = start(root, ["dev", "--port", String(port)], project.dir);
  try {
    // The current code's answer: a version left from an earlier session (an edit) does not count.
    await pollUntil(url, (r) => r.status === 200 && !r.text.includes('"edit"'), timeoutMs, p);
    const first200 = performance.now() - t0;
    if (idleMs) await new Promise((r) => setTimeout(r, idleMs));
    const t1 = performance.now();
    project.edit(marker);
    await pollUntil(url, (r) => r.status === 200 && r.text.includes(JSON.stringify(marker)), timeoutMs, p);
    return { first200, edit: performance.now() - t1 };
  } finally {
    await stop(p);
    project.edit(null);
  }
}

/** `outpost up` (what `npm start` runs): spawn → a 200 from every region, in ms. */
export async function timeUp(root: string, project: Project, timeoutMs: number): Promise<number> {
  const base = await freePortBase([0, ...REGION_OFFSETS]);
  const t0 = performance.now();
  const p = start(root, ["up", "--port-base", String(base)], project.dir);
  try {
    await Promise.all(REGION_OFFSETS.map((o) => pollUntil(`http://127.0.0.1:${base + o}/`, (r) => r.status === 200, timeoutMs, p)));
    return performance.now() - t0;
  } finally {
    await stop(p);
  }
}
