// What `outpost up` checks before starting anything: no other `outpost up` runs for this project,
// processes left by one that died are stopped (they would hold the ports and the LMDB stores), and the
// ports it needs are free on 127.0.0.1.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { isAlive, readUpState, removeUpState } from "../cloud/up-state.ts";
import type { Output } from "../output.ts";

export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PreflightError";
  }
}

/** True when the pid runs one of our scripts (so a recycled pid is never signalled). */
function isOurs(pid: number): boolean {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return /control-plane[\\/]main\.ts|edge-node[\\/]main\.ts/.test(cmd);
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/** Refuses when another `outpost up` runs here; stops the children a dead one left behind. */
export async function clearLeftovers(outpostDir: string, out: Output): Promise<void> {
  const state = readUpState(outpostDir);
  if (!state) return;
  if (state.pid !== process.pid && isAlive(state.pid)) {
    throw new PreflightError(
      `outpost up is already running for this project (pid ${state.pid}, control plane ${state.controlPlane}, started ${state.startedAt}); ` +
        `use it, or stop it first (Ctrl-C in its terminal, or kill ${state.pid})`,
    );
  }
  for (const child of [...state.children].reverse()) { // regions first, then the control plane
    if (!isAlive(child.pid) || !isOurs(child.pid)) continue;
    out.warn(`stopping ${child.name} (pid ${child.pid}), left running by an earlier outpost up`);
    process.kill(child.pid, "SIGTERM");
    if (!(await waitGone(child.pid, 5000))) {
      process.kill(child.pid, "SIGKILL");
      await waitGone(child.pid, 2000);
    }
  }
  removeUpState(outpostDir);
}

/** Whether `host:port` can be bound right now. */
export function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Throws naming every port in use and what to do. */
export async function checkPorts(ports: { name: string; port: number }[], host: string): Promise<void> {
  const busy: string[] = [];
  for (const p of ports) if (!(await portFree(p.port, host))) busy.push(`${p.port} (${p.name})`);
  if (busy.length) {
    throw new PreflightError(
      `port${busy.length > 1 ? "s" : ""} ${busy.join(", ")} ${busy.length > 1 ? "are" : "is"} in use on ${host} ` +
        `(another outpost up or outpost dev?): stop what listens there, or pick other ports with --port-base <n> ` +
        `(the control plane gets n, the regions n+7, n+8 and n+9)`,
    );
  }
}
