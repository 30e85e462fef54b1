// Entry of a control plane process (flags in cp-process.ts): turns on Node's compile cache, then runs
// cp-process.ts. Plain JavaScript, like edge-node/main.js: a .ts entry loads Node's TypeScript stripper
// before the cache is on.
import { useCompileCache } from "../runtime/compile-cache.js";

useCompileCache();
await import("./cp-process.ts");
