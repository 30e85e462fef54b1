// The `.outpost/up.json` file a running `outpost up` keeps in its project: which control plane and regions
// it started (URLs and pids), so other commands find the control plane and a later `up` finds leftovers.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, parse } from "node:path";

export interface UpChild { name: string; pid: number; url?: string }

export interface UpState {
  /** The `outpost up` process. */
  pid: number;
  startedAt: string;
  controlPlane: string;
  regions: { name: string; url: string }[];
  children: UpChild[];
}

export const UP_FILE = "up.json";

/** True when a process with this pid exists (signal 0 probes without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie (exited, not yet reaped, e.g. under a container's init) answers signal 0 too.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

export function readUpState(outpostDir: string): UpState | null {
  try {
    const s = JSON.parse(readFileSync(join(outpostDir, UP_FILE), "utf8")) as UpState;
    return typeof s.pid === "number" && typeof s.controlPlane === "string" && Array.isArray(s.children) ? s : null;
  } catch {
    return null;
  }
}

export function writeUpState(outpostDir: string, state: UpState): void {
  writeFileSync(join(outpostDir, UP_FILE), JSON.stringify(state, null, 2) + "\n");
}

export function removeUpState(outpostDir: string): void {
  rmSync(join(outpostDir, UP_FILE), { force: true });
}

/** The `.outpost` dirs to look in, nearest first: the config's project dir, then the current dir and its parents. */
export function outpostDirs(configPath: string): string[] {
  const dirs = [join(dirname(configPath), ".outpost")];
  let dir = process.cwd();
  for (;;) {
    dirs.push(join(dir, ".outpost"));
    if (dir === parse(dir).root) break;
    dir = dirname(dir);
  }
  return [...new Set(dirs)].filter((d) => existsSync(d));
}

/** The state of an `outpost up` still running for this project (or a parent dir), if any. */
export function findRunningUp(configPath: string): { dir: string; state: UpState } | null {
  for (const dir of outpostDirs(configPath)) {
    const state = readUpState(dir);
    if (state && isAlive(state.pid)) return { dir, state };
  }
  return null;
}
