// Entry of the conformance bench (issue #14): the web-API suite of examples/conformance served by workerd
// and by Outpost in one run; prints each check's answer on both and its cost per call on both (ratio to
// workerd), writes bench/results/conformance-<timestamp>.json, and with --record refreshes the expected
// answers the CI test compares Outpost with. Methods: bench/README.md. Options: --help.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compareAnswers, type Answers } from "../examples/conformance/compare.ts";
import { optionsOrExit, runOrExit } from "./lib/entry.ts";
import { resultsFile } from "./lib/paths.ts";
import { progress, warn } from "./lib/progress.ts";
import { parseOptions, USAGE } from "./conformance/options.ts";
import { renderMarkdown, type ConformanceReport, type Cost } from "./conformance/report.ts";
import { callsPerRequest, microsPerCall } from "./conformance/timing.ts";
import { ensurePeers, PINNED } from "./peers/install.ts";
import { prepare } from "./peers/systems.ts";
import type { Workload } from "./peers/workloads/index.ts";
import { CONFORMANCE_APP, fetchAnswers, serveConformance } from "../testkit/conformance.ts";

type Server = { origin: string; stop(): Promise<void> };
import { writeAtomic } from "../core/write-atomic.ts";

/** The app as one ES module (what workerd's config embeds). */
async function bundle(appsDir: string): Promise<string> {
  const { build } = await import("esbuild");
  const file = join(appsDir, "conformance-src", "worker.js");
  mkdirSync(join(appsDir, "conformance-src"), { recursive: true });
  await build({ entryPoints: [join(CONFORMANCE_APP, "src", "index.js")], bundle: true, format: "esm", target: "esnext", outfile: file, logLevel: "silent" });
  return file;
}

async function main(): Promise<void> {
  const opts = optionsOrExit("bench/conformance.ts", parseOptions, USAGE);
  const startedAt = new Date();
  const peers = await ensurePeers(opts.peersDir, { install: true });
  const workload: Workload = {
    // Not one of the peers bench's workloads; prepare() only uses the id to name the app's folders.
    id: "conformance" as Workload["id"], label: "conformance", file: await bundle(opts.appsDir),
    request: () => ({ method: "GET", path: "/checks" }),
    check: (body) => (body.startsWith("[") ? null : `GET /checks answered ${body.slice(0, 200)}`),
  };
  const servers: { workerd?: Server; outpost?: Server } = {};
  try {
    const prep = await prepare("workerd", workload, peers, opts.appsDir);
    if (prep.ok) servers.workerd = await prep.start(workload.request({ upstream: "" }));
    else warn(`workerd: ${prep.reason}`);
    // Outpost serves the example folder itself (its wrangler-like.toml raises limits.cpu_ms), as the CI test does.
    const node = await serveConformance(join(opts.appsDir, "conformance-outpost"));
    servers.outpost = { origin: node.url, stop: () => node.stop() };
    for (const [system, s] of Object.entries(servers)) progress(`${system}: serving the conformance app at ${s.origin}`);
    if (!servers.outpost) throw new Error("Outpost could not serve the conformance app");
    const answers: { workerd: Answers; outpost: Answers } = { workerd: servers.workerd ? await fetchAnswers(servers.workerd.origin) : {}, outpost: await fetchAnswers(servers.outpost.origin) };
    const rows = compareAnswers(servers.workerd ? answers.workerd : answers.outpost, answers.outpost);
    if (!servers.workerd) for (const r of rows) { r.workerd = undefined; r.same = false; }
    const costs: Cost[] = [];
    if (opts.timingRuns > 0) {
      progress(`timing ${rows.length} checks × ${opts.timingRuns} requests on ${Object.keys(servers).join(" and ")}`);
      for (const r of rows) {
        if ((r.workerd && "error" in r.workerd) || (r.outpost && "error" in r.outpost)) continue;
        // A system that fails a timed request (an instance out of memory after thousands of calls) gets no
        // number for that check, and the reason, instead of ending the run.
        const problems: string[] = [];
        const attempt = async <T>(what: string, f: () => Promise<T>): Promise<T | null> => {
          try { return await f(); } catch (err) { problems.push(`${what}: ${(err as Error).message.slice(0, 160)}`); return null; }
        };
        const calls = (await attempt("calibration", () => callsPerRequest((servers.workerd ?? servers.outpost)!.origin, r.check))) ?? 1;
        const time = (system: keyof typeof servers) => {
          const s = servers[system];
          return s ? attempt(system, () => microsPerCall(s.origin, r.check, calls, opts.timingRuns)) : Promise.resolve(null);
        };
        const workerdUs = await time("workerd");
        const outpostUs = await time("outpost");
        costs.push({ check: r.check, calls, workerdUs, outpostUs, ...(problems.length ? { problem: problems.join("; ") } : {}) });
      }
    }
    const commit = execFileSync("git", ["rev-parse", "--short=10", "HEAD"], { encoding: "utf8" }).trim();
    const report: ConformanceReport = { startedAt: startedAt.toISOString(), workerd: servers.workerd ? PINNED.workerd : null, commit, rows, costs };
    if (opts.record) {
      if (!servers.workerd) throw new Error("--record needs workerd, which did not start");
      const expected = { workerd: PINNED.workerd, recordedAt: startedAt.toISOString(), checks: answers.workerd };
      await writeAtomic(join(CONFORMANCE_APP, "expected.json"), JSON.stringify(expected, null, 2) + "\n");
      progress(`recorded workerd's answers to ${join(CONFORMANCE_APP, "expected.json")}`);
    }
    await mkdir(opts.resultsDir, { recursive: true });
    const file = resultsFile(opts.resultsDir, "conformance", startedAt, "json");
    await writeFile(file, JSON.stringify(report, null, 2) + "\n");
    progress(`raw results: ${file}`);
    process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report) + "\n");
  } finally {
    await Promise.all(Object.values(servers).map((s) => s?.stop()));
  }
}

await runOrExit("bench/conformance.ts", main);
