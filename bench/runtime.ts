// Entry of the runtime benchmark (issue #2): compile, instantiate, first call, reused-instance latency
// and throughput, and build time, for one component. Prints a Markdown table (or --json), and writes the
// raw samples to bench/results/runtime-<timestamp>.json. Methods: bench/README.md. Options: --help.
import { mkdir, writeFile } from "node:fs/promises";
import { ComponentApp } from "../runtime/app.ts";
import { compileComponent } from "../runtime/component.ts";
import { busyWarning, finishMachineInfo, machineInfo } from "./lib/machine.ts";
import { resultsFile } from "./lib/paths.ts";
import { progress, warn } from "./lib/progress.ts";
import { buildMetrics, buildSkipped } from "./runtime/build.ts";
import { resolveComponent, resolveSibling } from "./runtime/component-source.ts";
import { freshProcessMetrics } from "./runtime/fresh-process.ts";
import { httpMetrics } from "./runtime/http.ts";
import { skipped, type Row } from "./runtime/metric.ts";
import { newInstanceMetrics } from "./runtime/new-instance.ts";
import { parseOptions, USAGE } from "./runtime/options.ts";
import { makeReport, renderMarkdown } from "./runtime/report.ts";
import { reuseMetrics } from "./runtime/reuse.ts";
import { optionsOrExit, runOrExit } from "./lib/entry.ts";


async function main(): Promise<void> {
  const opts = optionsOrExit("bench/runtime.ts", parseOptions, USAGE);
  const startedAt = new Date();
  const machine = machineInfo();
  const busy = busyWarning(machine);
  if (busy) warn(busy);
  progress("resolving the component" + (opts.component ? "" : ` (building ${opts.example})`));
  const src = await resolveComponent(opts);
  progress("building a second app of the same toolchain (cached after the first run)");
  const sibling = await resolveSibling(opts, src);
  const fresh = await freshProcessMetrics(src, { samples: opts.samples, path: opts.path, sibling });
  const rows: Row[] = [];
  try {
    const component = await compileComponent(src.bytes, { cacheDir: fresh.warmCacheDir });
    const perInstance = await newInstanceMetrics(component, src, { instances: opts.instances, path: opts.path });
    const app = await ComponentApp.load(src.bytes, { name: src.name, vars: src.vars, onLog: () => {}, cacheDir: fresh.warmCacheDir });
    const reuse = await reuseMetrics(app, { requests: opts.requests, warmup: opts.warmup, path: opts.path });
    const http: Row[] = opts.http
      ? await httpMetrics(src, fresh.warmCacheDir, opts)
      : [
          skipped("instance.first-response.http", "new instance → first response, HTTP", "--no-http"),
          skipped("reuse.request.http", "reused instance, per request, HTTP", "--no-http"),
          skipped(`throughput.http.c${opts.concurrency}`, `throughput, HTTP, ${opts.concurrency} concurrent`, "--no-http"),
        ];
    const builds = opts.build ? await buildMetrics(opts.example, opts.buildSamples) : buildSkipped("--no-build");
    rows.push(...fresh.metrics.slice(0, 4), ...perInstance, http[0], ...fresh.metrics.slice(4), ...fresh.sibling, ...reuse, ...http.slice(1), ...builds);
  } finally {
    await fresh.cleanup();
  }

  const report = makeReport(startedAt, finishMachineInfo(machine), src, opts, rows);
  await mkdir(opts.resultsDir, { recursive: true });
  const file = resultsFile(opts.resultsDir, "runtime", startedAt, "json");
  await writeFile(file, JSON.stringify(report, null, 2) + "\n");
  progress(`raw samples: ${file}`);
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report, rows));
}

await runOrExit("bench/runtime.ts", main);
