// The top-level `outpost bench`: runs bench/runtime.ts, bench/node.ts (when it exists), bench/peers.ts and bench/replication.ts
// in that order, each in its own process, forwarding --quick; their progress streams to stderr, and
// their tables are printed together at the end under one status table. Exits 1 if any bench failed.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { markdownTable } from "./lib/markdown.ts";
import { progress } from "./lib/progress.ts";

const USAGE = `usage: node bench/compare.ts [--quick]

Runs bench/runtime.ts, bench/node.ts (if present), bench/peers.ts and bench/replication.ts in turn and prints their tables.
  --quick   forwarded to each bench (a shorter run)
`;

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const unknown = argv.filter((a) => a !== "--quick");
if (unknown.length) {
  process.stderr.write(`bench/compare.ts: unknown option ${unknown.join(" ")}\n\n${USAGE}`);
  process.exit(2);
}
const forwarded = argv.includes("--quick") ? ["--quick"] : [];

interface Outcome { name: string; status: string; seconds: number; stdout: string }

function runBench(file: string): Promise<Outcome> {
  const name = `bench/${file}`;
  const t0 = performance.now();
  progress(`\n=== ${name} ${forwarded.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, file), ...forwarded], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    const done = (status: string) => resolve({ name, status, seconds: (performance.now() - t0) / 1000, stdout });
    child.on("error", (e) => done(`could not start: ${e.message}`));
    child.on("close", (code, signal) => done(code === 0 ? "ok" : `failed (${signal ?? `exit ${code}`})`));
  });
}

const outcomes: Outcome[] = [];
for (const file of ["runtime.ts", "node.ts", "peers.ts", "replication.ts"]) {
  if (!existsSync(join(import.meta.dirname, file))) {
    outcomes.push({ name: `bench/${file}`, status: "not present, skipped", seconds: 0, stdout: "" });
    continue;
  }
  outcomes.push(await runBench(file));
}

const out: string[] = ["# Outpost bench", ""];
out.push(markdownTable(["bench", "status", "seconds"], outcomes.map((o) => [o.name, o.status, o.seconds.toFixed(0)]), ["l", "l", "r"]), "");
for (const o of outcomes.filter((o) => o.stdout.trim())) out.push(`# ${o.name}`, "", o.stdout.trim(), "");
process.stdout.write(out.join("\n") + "\n");
process.exit(outcomes.some((o) => o.status.startsWith("failed") || o.status.startsWith("could not")) ? 1 : 0);
