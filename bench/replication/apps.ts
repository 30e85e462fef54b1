// The builds bench/replication.ts deploys: its relay-app fixture copied into a temp project and built
// with the real CLI, once as the base and once per "new code" variant (src/build.ts rewritten with a
// different constant, so each variant is a different component: other core-module bytes, other sha256).
import { spawn } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BuiltApp } from "../../edge-node/test/cluster.ts";
import { CLI } from "../../edge-node/test/process.ts";
import { progress } from "../lib/progress.ts";

const FIXTURE = join(import.meta.dirname, "fixtures", "relay-app");
export const APP = "relay-app";
export const NAMESPACE = "relay-app-STORE";

function outpostBuild(project: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [CLI, "build", "--out-dir", outDir], { cwd: project, env: { ...process.env, FORCE_COLOR: "0" } });
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (out += d));
    p.on("error", reject);
    p.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`outpost build in ${project} failed (${code}):\n${out}`))));
  });
}

function read(outDir: string): BuiltApp {
  const manifest = JSON.parse(readFileSync(join(outDir, `${APP}.manifest.json`), "utf8")) as Record<string, unknown>;
  return { name: APP, manifest, component: readFileSync(join(outDir, `${APP}.wasm`)) };
}

/** The base build and `variants` builds of new code, all in `work`. Sequential: each build uses the cores. */
export async function buildVariants(work: string, variants: number): Promise<{ base: BuiltApp; variants: BuiltApp[] }> {
  const project = join(work, "relay-app");
  cpSync(FIXTURE, project, { recursive: true });
  const buildOne = async (label: string): Promise<BuiltApp> => {
    writeFileSync(join(project, "src", "build.ts"), `export const BUILD = ${JSON.stringify(label)};\n`);
    const outDir = join(work, "builds", label);
    await outpostBuild(project, outDir);
    return read(outDir);
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
