// Child process: componentizes a FetchEvent module (fetch-event.ts, esm) into a wasi:http/proxy@0.2.10
// component with componentize-js, for `jco serve`. A child because componentize-js needs process-wide
// preview2-shim preopens. Usage: componentize-child.ts <source.js> <out.wasm> <wit cache dir>
// Prints {"bytes":N,"ms":N} on its last line (bench/lib/child.ts runChild).
import * as shimFs from "@bytecodealliance/preview2-shim/filesystem";
import { writeFile } from "node:fs/promises";
import { witDir } from "../../sdk/build/wit.ts";

// The package's types are the browser build's; on Node, _setPreopens takes { guestPath: hostPath }.
(shimFs._setPreopens as unknown as (preopens: Record<string, string>) => void)({ "/": "/" });
const { componentize } = await import("@bytecodealliance/componentize-js");
const [sourcePath, outPath, witCache] = process.argv.slice(2);
const t0 = performance.now();
const witPath = await witDir(witCache);
const { component } = await componentize({ sourcePath, witPath, worldName: "wasi:http/proxy@0.2.10" });
await writeFile(outPath, component);
process.stdout.write(JSON.stringify({ bytes: component.byteLength, ms: Math.round(performance.now() - t0) }) + "\n");
