// Turns on Node's on-disk compile cache for this process and the worker threads and processes it starts:
// TypeScript stripped and compiled once, jco's 1 MB glue and the runtime's imports loaded from V8 code
// cache on later starts. Plain JavaScript, so that the launchers can call it before the first .ts file
// is loaded: otherwise Node loads its TypeScript stripper (~100 ms) even when every file is cached.
import { enableCompileCache } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** @returns {void} */
export function useCompileCache() {
  // Set in the environment so worker threads and child processes (which copy it) use the same cache.
  process.env.NODE_COMPILE_CACHE ??= join(tmpdir(), "outpost-compile-cache");
  enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
}
