// Where the benches live and write: the repository, bench/, the bench-private cache under node_modules
// (peer installs, built apps, reused from run to run), bench/results/, and the results files' names
// (`<bench>-<startedAt with : and . as ->.<ext>`), which bench/compare.ts reads back.
import { join } from "node:path";

export const BENCH_DIR = join(import.meta.dirname, "..");
export const REPO_DIR = join(BENCH_DIR, "..");
export const CACHE_DIR = join(REPO_DIR, "node_modules", ".cache", "outpost-bench");
export const RESULTS_DIR = join(BENCH_DIR, "results");

/** A results file's timestamp: ISO 8601 with `:` and `.` as `-`; it sorts as text in time order. */
export const resultsStamp = (at: Date) => at.toISOString().replace(/[:.]/g, "-");

/** `<dir>/<bench>-<timestamp>.<ext>`. */
export function resultsFile(dir: string, bench: string, startedAt: Date, ext: "json" | "svg"): string {
  return join(dir, `${bench}-${resultsStamp(startedAt)}.${ext}`);
}
