// Turns a Workers-style workload module (`export default { fetch }`) into a FetchEvent program for the
// peers that only speak FetchEvent (edge-runtime evaluates a classic script; jco serve runs a
// componentize-js component): one esbuild bundle whose only addition is the addEventListener adapter.
import { build } from "esbuild";
import { dirname } from "node:path";

/** Bundles `workloadFile` behind a `fetch` event listener; `iife` for a classic script, `esm` for a module. */
export async function fetchEventBundle(workloadFile: string, format: "iife" | "esm"): Promise<string> {
  const entry = [
    `import worker from ${JSON.stringify(workloadFile)};`,
    "const ctx = { waitUntil() {}, passThroughOnException() {} };",
    "addEventListener(\"fetch\", (event) => event.respondWith(worker.fetch(event.request, {}, ctx)));",
  ].join("\n");
  const result = await build({
    stdin: { contents: entry, resolveDir: dirname(workloadFile), sourcefile: "fetch-event-adapter.js", loader: "js" },
    bundle: true,
    format,
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}
