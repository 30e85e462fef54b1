// `outpost bench [--quick]`: runs the repository's benchmark suite (bench/compare.ts) on this Node,
// forwarding the flags; its output streams through and its exit code is the command's.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CommandArgs } from "../command.ts";

export const usage = `Usage: outpost bench [--quick]

Runs bench/compare.ts of the Outpost repository: every bench in turn (runtime, edge node, peers,
deploy propagation and KV replication; bench/README.md has each metric's method), then prints
Outpost's cold start by layer and every bench's tables, and writes bench/results/bench-<time>.json
and .svg (the layers, and throughput by concurrency per system). Exits 1 if any bench failed.

Options:
  --quick   a shorter run (about 2 minutes on 2 cores: fewer samples, shorter loads, no 1000-app
            node), forwarded to every bench`;

const COMPARE = join(import.meta.dirname, "..", "..", "bench", "compare.ts");

export async function run(args: CommandArgs): Promise<number> {
  if (!existsSync(COMPARE)) throw new Error(`${COMPARE} is missing: outpost bench runs from a checkout of the Outpost repository`);
  // Everything after `bench` is the bench's own (without the CLI's global --json, which it does not take).
  const forwarded = args.argv.filter((a) => a !== "--json");
  const child = spawn(process.execPath, [COMPARE, ...forwarded], { stdio: "inherit" });
  const ignore = () => {}; // Ctrl-C reaches the bench too (same process group); wait for it to finish
  process.on("SIGINT", ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on("error", (e) => reject(new Error(`could not start ${COMPARE}: ${e.message}`)));
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 130 : 1)));
    });
  } finally {
    process.off("SIGINT", ignore);
  }
}
