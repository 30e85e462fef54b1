// Splits a `.cpuprofile` into where the CPU went: guest wasm, jco glue (component.js), the host
// (runtime/host, http-bridge), the rest of the runtime, GC, and unattributed native time. A sample
// whose leaf has no script (a builtin or native frame) is charged to its nearest ancestor that has one.
//
//   node_modules/.bin/node bench/profile/split.ts /tmp/prof/CPU.*.cpuprofile
import { readFile } from "node:fs/promises";

type Node = { id: number; callFrame: { functionName: string; url: string }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const file = process.argv[2];
if (!file) { console.error("usage: split.ts FILE.cpuprofile"); process.exit(2); }
const prof = JSON.parse(await readFile(file, "utf8")) as Profile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function category(n: Node): string | null {
  const { functionName: f, url } = n.callFrame;
  if (f === "(program)" || f === "(garbage collector)" || f === "(idle)") return f;
  if (f.startsWith("wasm-function") || url.startsWith("wasm://")) return "guest wasm";
  if (/\/component(\.\w+)?\.js$/.test(url)) return "jco glue (component.js)";
  if (url.includes("/runtime/host/") || url.includes("/runtime/http-bridge")) return "host (runtime/host, http-bridge)";
  if (url.includes("/runtime/")) return "runtime (app, instance)";
  if (url.includes("/bench/")) return "bench loop + fakes";
  if (url.startsWith("node:")) return "node internals";
  if (url) return "other scripts";
  return null;
}

const split = new Map<string, number>();
let all = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  all += dt;
  let id: number | undefined = prof.samples[i];
  let cat: string | null = null;
  while (id !== undefined && !(cat = category(byId.get(id)!))) id = parent.get(id);
  cat ??= "native, no script";
  split.set(cat, (split.get(cat) ?? 0) + dt);
}
for (const [k, v] of [...split].sort((a, b) => b[1] - a[1])) {
  console.log(`${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / all).toFixed(1).padStart(5)}%  ${k}`);
}
