// The builds bench/replication.ts deploys: its relay-app fixture copied into a project of its own under the
// bench cache (node_modules/.cache/outpost-bench/replication/) and built with the real CLI, once as the base
// and once per "new code" variant (src/build.ts rewritten with a different constant, so each variant is a
// different component: other core-module bytes, other sha256). The project stays between runs, so its
// component cache makes the builds of a rerun cache hits (~1 s each instead of ~4 s).
import { cpSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readBuilt, type BuiltApp } from "../../testkit/cluster.ts";
import { outpostBuild } from "../../testkit/cli.ts";
import { CACHE_DIR } from "../lib/paths.ts";
import { progress } from "../lib/progress.ts";

const FIXTURE = join(import.meta.dirname, "fixtures", "relay-app");
const WORK = join(CACHE_DIR, "replication");
export const APP = "relay-app";
export const NAMESPACE = "relay-app-STORE";

/** The base build and `variants` builds of new code. Sequential: one build uses both cores when not cached. */
export async function buildVariants(variants: number): Promise<{ base: BuiltApp; variants: BuiltApp[] }> {
  const project = join(WORK, "relay-app");
  // The fixture's files over the previous run's copy (its .outpost/cache stays).
  rmSync(join(project, "src"), { recursive: true, force: true });
  cpSync(FIXTURE, project, { recursive: true });
  const buildOne = async (label: string): Promise<BuiltApp> => {
    writeFileSync(join(project, "src", "build.ts"), `export const BUILD = ${JSON.stringify(label)};\n`);
    const outDir = join(WORK, "builds", label);
    rmSync(outDir, { recursive: true, force: true });
    await outpostBuild(project, outDir);
    return readBuilt(outDir, APP);
  };
  const t0 = performance.now();
  const base = await buildOne("base");
  const out: BuiltApp[] = [];
  for (let i = 1; i <= variants; i++) {
    progress(`building new-code variant ${i}/${variants}`);
    out.push(await buildOne(`code-${i}`));
  }
  const shas = new Set([base, ...out].map((b) => b.manifest.sha256));
  if (shas.size !== out.length + 1) throw new Error(`the ${out.length + 1} builds are not all different components (${shas.size} distinct sha256)`);
  progress(`built the base and ${variants} variant(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { base, variants: out };
}
