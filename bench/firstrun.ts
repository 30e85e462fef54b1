// Entry of the first-run benchmark (issue #13): a user's first minute on the example app, timed through
// the real CLI of one Outpost checkout: npm's postinstall, `outpost build` (fresh clone after it, fresh
// project, unchanged, one-line change), `outpost dev` (cached build → first 200; saved edit → new code
// answers) and `npm start` (`outpost up` → a 200 from every region, fresh clone and again). Prints a Markdown table (or --json)
// and writes bench/results/firstrun-<timestamp>.json. Methods: bench/README.md. Options: --help.
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { optionsOrExit, runOrExit } from "./lib/entry.ts";
import { busyWarning, finishMachineInfo, machineInfo } from "./lib/machine.ts";
import { resultsFile } from "./lib/paths.ts";
import { progress, warn } from "./lib/progress.ts";
import { timeBuild, timeDev, timePostinstall, timeUp } from "./firstrun/measure.ts";
import { parseOptions, USAGE } from "./firstrun/options.ts";
import { copyExample, withEmptyMachineCaches, type Project } from "./firstrun/project.ts";
import { renderMarkdown, summarizeRows, type FirstRunReport, type Row } from "./firstrun/report.ts";
import { removeDir } from "../testkit/temp.ts";

/** How long the "after idle" dev row waits after the first 200: a user reading the URL (dev warms its builder after 1.5 s). */
const DEV_IDLE_MS = 3000;

async function main(): Promise<void> {
  const opts = optionsOrExit("bench/firstrun.ts", parseOptions, USAGE);
  const startedAt = new Date();
  const machine = machineInfo();
  const busy = busyWarning(machine);
  if (busy) warn(busy);
  const { root, runs, timeoutMs } = opts;
  const freshRuns = Math.min(runs, 3);
  const row = (id: string, label: string, targetMs: number | null): Row => ({ id, label, targetMs, samples: [] });
  const rows = {
    postinstall: row("install.postinstall", "npm install's postinstall: the machine's build caches", null),
    buildClone: row("build.fresh-clone", "outpost build, fresh clone after npm install, new project", 2000),
    buildProject: row("build.fresh-project", "outpost build, new project (machine caches warm)", null),
    buildUnchanged: row("build.unchanged", "outpost build, unchanged", 200),
    buildEdit: row("build.one-line", "outpost build, one-line change", 1000),
    devFirst: row("dev.first-200", "outpost dev, cached build: spawn → first 200", 1500),
    devEdit: row("dev.edit", "outpost dev: a one-line edit saved at once → new code answers", 1000),
    devEditIdle: row("dev.edit-after-idle", `outpost dev: the same, saved ${DEV_IDLE_MS / 1000} s after the first 200`, 1000),
    upClone: row("start.fresh-clone", "npm start, fresh clone: spawn → 200 from every region", 10000),
    upAgain: row("start.again", "npm start again (project state kept): spawn → 200 from every region", null),
  };
  const projects: Project[] = [];
  const project = () => { const p = copyExample(root); projects.push(p); return p; };
  const tag = Date.now().toString(36);
  try {
    if (opts.fresh) {
      for (let i = 0; i < freshRuns; i++) {
        progress(`fresh clone ${i + 1}/${freshRuns}: outpost build, then npm start, each with the machine caches as npm install leaves them`);
        const afterInstall = (time: () => Promise<number>) => withEmptyMachineCaches(root, async () => {
          const ms = await timePostinstall(root, timeoutMs);
          if (ms !== null) rows.postinstall.samples.push(ms);
          return time();
        });
        rows.buildClone.samples.push(await afterInstall(() => timeBuild(root, project(), timeoutMs)));
        rows.upClone.samples.push(await afterInstall(() => timeUp(root, project(), timeoutMs)));
      }
    }
    progress(`outpost build × ${runs}: new project, unchanged, one-line change`);
    const p = project();
    for (let i = 0; i < runs; i++) rows.buildProject.samples.push(await timeBuild(root, i === 0 ? p : project(), timeoutMs));
    for (let i = 0; i < runs; i++) rows.buildUnchanged.samples.push(await timeBuild(root, p, timeoutMs));
    for (let i = 0; i < runs; i++) {
      p.edit(`build-${tag}-${i}`);
      rows.buildEdit.samples.push(await timeBuild(root, p, timeoutMs));
    }
    p.edit(null);
    await timeBuild(root, p, timeoutMs); // the original is cached again: dev starts on a cached build
    progress(`outpost dev × ${runs} × 2: spawn → first 200, then a one-line edit → new code (at once, and ${DEV_IDLE_MS / 1000} s later)`);
    for (let i = 0; i < runs; i++) {
      const s = await timeDev(root, p, `dev-${tag}-${i}`, timeoutMs);
      rows.devFirst.samples.push(s.first200);
      rows.devEdit.samples.push(s.edit);
      rows.devEditIdle.samples.push((await timeDev(root, p, `dev-idle-${tag}-${i}`, timeoutMs, DEV_IDLE_MS)).edit);
    }
    progress(`npm start × ${runs} on one project (after an untimed first start)`);
    const q = project();
    await timeUp(root, q, timeoutMs);
    for (let i = 0; i < runs; i++) rows.upAgain.samples.push(await timeUp(root, q, timeoutMs));
  } finally {
    for (const x of projects) removeDir(x.dir);
  }
  let commit: string | null = null;
  try { commit = execFileSync("git", ["-C", root, "rev-parse", "HEAD"], { encoding: "utf8" }).trim(); } catch { /* not a git checkout */ }
  const report: FirstRunReport = {
    schema: "outpost-bench/firstrun@1",
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    machine: finishMachineInfo(machine),
    options: opts,
    checkout: { root, commit },
    rows: summarizeRows(Object.values(rows)),
  };
  await mkdir(opts.resultsDir, { recursive: true });
  const file = resultsFile(opts.resultsDir, "firstrun", startedAt, "json");
  await writeFile(file, JSON.stringify(report, null, 2) + "\n");
  progress(`raw results: ${file} (${Math.round(report.durationMs / 1000)} s in all)`);
  process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + "\n" : renderMarkdown(report));
}

await runOrExit("bench/firstrun.ts", main);
