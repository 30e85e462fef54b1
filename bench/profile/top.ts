// Summarises a `.cpuprofile` written by `node --cpu-prof`: the top frames by self time (function,
// file:line) and by total (inclusive) time, to find where a loop spends its CPU.
//
//   node_modules/.bin/node bench/profile/top.ts /tmp/prof/CPU.*.cpuprofile [N] [--total]
import { readFile } from "node:fs/promises";
import { basename } from "node:path";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
const top = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
if (!file) { console.error("usage: top.ts FILE.cpuprofile [N] [--total]"); process.exit(2); }
const prof = JSON.parse(await readFile(file, "utf8")) as Profile;

const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n: Node) => `${n.callFrame.functionName || "(anonymous)"} ${basename(n.callFrame.url) || ""}:${n.callFrame.lineNumber + 1}`;

const self = new Map<string, number>();
const total = new Map<string, number>();
let all = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = prof.timeDeltas[i] ?? 0;
  all += dt;
  let id: number | undefined = prof.samples[i];
  const leaf = byId.get(id)!;
  self.set(key(leaf), (self.get(key(leaf)) ?? 0) + dt);
  const seen = new Set<string>();
  while (id !== undefined) {
    const k = key(byId.get(id)!);
    if (!seen.has(k)) { seen.add(k); total.set(k, (total.get(k) ?? 0) + dt); }
    id = parent.get(id);
  }
}
const show = (m: Map<string, number>, title: string) => {
  console.log(`\n${title} (of ${(all / 1000).toFixed(0)} ms sampled)`);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(v / 1000).toFixed(1).padStart(9)} ms ${((100 * v) / all).toFixed(1).padStart(5)}%  ${k}`);
  }
};
show(self, "self time");
if (args.includes("--total")) show(total, "total time");
