// Where the repository's runnable parts are, for tests and benches that start them as real processes:
// the CLI (cli/bin.js), an edge node, a control plane, and the fixture apps the end-to-end tests build.
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..");
export const CLI = join(ROOT, "cli", "bin.js");
export const EDGE_NODE = join(ROOT, "edge-node", "main.js");
export const CONTROL_PLANE = join(ROOT, "control-plane", "main.js");
export const FIXTURES = join(ROOT, "edge-node", "test", "fixtures");

/** The environment a child process of a test gets: this one, without colors, debug output or an operator's Outpost settings. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", OUTPOST_DEBUG: "" };
  for (const k of ["OUTPOST_CONTROL_PLANE", "OUTPOST_TOKEN", "OUTPOST_ADMIN_TOKEN", "OUTPOST_REGION_TOKEN"]) delete env[k];
  return { ...env, ...extra };
}
