// Deploys built apps from disk onto an edge node: each `<name>.manifest.json` next to its
// `<name>.wasm` (what `outpost build` writes), from files or whole directories. Secrets come from
// the environment (`OUTPOST_SECRET_<NAME>`), for a node run without a control plane.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Manifest } from "../core/manifest.ts";
import type { AppRegistry, Deployment } from "./apps.ts";
import { startMark } from "../core/start-trace.ts";

export async function manifestsIn(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  return (await readdir(path)).filter((f) => f.endsWith(".manifest.json")).sort().map((f) => join(path, f));
}

export async function deployFromDisk(registry: AppRegistry, manifestPath: string): Promise<Deployment> {
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as Manifest;
  const wasmPath = manifestPath.replace(/\.manifest\.json$/, ".wasm");
  const bytes = await readFile(wasmPath).catch(() => {
    throw new Error(`${manifestPath}: no component at ${wasmPath} (outpost build writes both)`);
  });
  startMark("app-read", manifest.name);
  const secrets: Record<string, string> = {};
  for (const name of manifest.secrets) {
    const v = process.env[`OUTPOST_SECRET_${name}`];
    if (v !== undefined) secrets[name] = v;
  }
  return registry.deploy(bytes, manifest, secrets);
}
