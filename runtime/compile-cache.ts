// Turns on Node's on-disk compile cache for this process and the worker threads it starts:
// TypeScript stripped and compiled once, jco's 1 MB glue and the runtime's imports loaded from V8
// code cache on later starts (a process start to ready drops by ~250 ms). The launchers call it
// before they import anything else.
import { enableCompileCache } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function useCompileCache(): void {
  // Set in the environment so worker threads (which copy process.env) use the same cache.
  process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), "outpost-compile-cache");
  enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
}
