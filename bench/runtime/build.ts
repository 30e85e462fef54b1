// Section 5 of the runtime bench: build time of the example app, each build a buildApp call in a fresh
// child process (timed around the call, Node start excluded), into fresh temp directories:
//   cold: empty project cache and empty engine (global) cache
//   engine warm: empty project cache, engine cache filled by the cold build
//   cached: the same project cache again (component cache hit)
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChild } from "../lib/child.ts";
import { progress, warn } from "../lib/progress.ts";
import { BUILD_CHILD, exampleUnavailable, type BuildChildResult } from "./component-source.ts";
import { metric, skipped, type Row } from "./metric.ts";

const ROWS = [
  ["build.cold", "build, cold", "empty project cache and engine cache"],
  ["build.engine-warm", "build, cold with engine cache warm", "empty project cache; engine cache from the cold build"],
  ["build.cached", "build, cached rebuild", "unchanged app, same project cache"],
] as const;

type Kind = 0 | 1 | 2;

function check(kind: Kind, r: BuildChildResult): string | null {
  if (kind === 0 && (r.cached || r.engine !== "spliced")) return `cold build was not cold (cached=${r.cached}, engine=${r.engine})`;
  if (kind === 1 && (r.cached || r.engine !== "global-cache")) return `engine-warm build did not take the engine from the cache (cached=${r.cached}, engine=${r.engine})`;
  if (kind === 2 && !r.cached) return "rebuild of an unchanged app missed the component cache";
  return null;
}

export function buildSkipped(reason: string): Row[] {
  return ROWS.map(([id, label]) => skipped(id, label, reason));
}

export async function buildMetrics(example: string, samples: number): Promise<Row[]> {
  const why = exampleUnavailable(example);
  if (why) return buildSkipped(why);
  const runs: BuildChildResult[][] = [[], [], []];
  const problems: string[] = [];
  for (let i = 0; i < samples; i++) {
    const root = await mkdtemp(join(tmpdir(), "outpost-bench-build-"));
    try {
      const build = async (kind: Kind, project: string) => {
        progress(`build ${i + 1}/${samples}: ${ROWS[kind][1]}`);
        const r = await runChild<BuildChildResult>(BUILD_CHILD, [example, join(root, project), join(root, "dist"), join(root, "global")], { timeoutMs: 300_000 });
        const problem = check(kind, r);
        if (problem) { warn(problem); problems.push(problem); }
        runs[kind].push(r);
      };
      await build(0, "project-a");
      await build(1, "project-b");
      await build(2, "project-b");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  const method = (what: string) => `buildApp in a fresh child process per build, timed around the call; ${what}`;
  return ROWS.map(([id, label, what], kind) => metric(id, label, method(what), runs[kind].map((r) => r.ms), {
    extra: { steps: runs[kind].map((r) => r.steps), engine: runs[kind].map((r) => r.engine), ...(problems.length ? { problems } : {}) },
  }));
}
