// Entry of an edge node process (`node edge-node/main.ts --help` is in node-process.ts): turns on
// Node's compile cache for the process and its worker threads, then runs node-process.ts.
import { useCompileCache } from "../runtime/compile-cache.js";

useCompileCache();
await import("./node-process.ts");
