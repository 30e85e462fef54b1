// Entry of an edge node process (`node edge-node/main.js --help` is in node-process.ts): turns on
// Node's compile cache for the process and its worker threads, then runs node-process.ts. Plain
// JavaScript: a .ts entry makes Node load its TypeScript stripper before the cache is on (~90 ms of
// every start, bench/profile/process-start.ts).
import { useCompileCache } from "../runtime/compile-cache.js";

useCompileCache();
await import("./node-process.ts");
