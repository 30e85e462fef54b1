// Finds the component to measure: the one given with --component, or the example app built with
// buildApp (in a child process, into a cache under the OS temp dir so reruns are instant).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { runChild } from "../lib/child.ts";
import { REPO_DIR, type RuntimeBenchOptions } from "./options.ts";

export const BUILD_CHILD = join(import.meta.dirname, "build-child.ts");
const BUILD_LIB = join(REPO_DIR, "sdk", "build", "index.ts");

export interface ComponentSource {
  path: string;
  bytes: Uint8Array;
  sha256: string;
  name: string;
  vars: Record<string, unknown>;
  origin: "argument" | "example";
}

export interface BuildChildResult {
  ms: number;
  wasmPath: string;
  cached: boolean;
  engine: string | null;
  steps: Array<{ name: string; ms: number }>;
  name: string;
  vars: Record<string, unknown>;
}

/** Why the example cannot be built here, or null when it can. */
export function exampleUnavailable(example: string): string | null {
  if (!existsSync(BUILD_LIB)) return `the build library ${BUILD_LIB} does not exist yet`;
  if (!existsSync(join(example, "wrangler-like.toml"))) return `${join(example, "wrangler-like.toml")} does not exist`;
  return null;
}

/** A per-example directory under the OS temp dir for the bench's own build of it. */
export function exampleCacheDir(example: string): string {
  return join(tmpdir(), "outpost-bench", createHash("sha256").update(example).digest("hex").slice(0, 12));
}

async function fromFile(path: string, name: string, vars: Record<string, unknown>, origin: ComponentSource["origin"]): Promise<ComponentSource> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`--component ${path}: ${code === "ENOENT" ? "no such file" : (err as Error).message}`);
  }
  return { path, bytes, sha256: createHash("sha256").update(bytes).digest("hex"), name, vars, origin };
}

export async function resolveComponent(opts: RuntimeBenchOptions): Promise<ComponentSource> {
  if (opts.component) {
    return fromFile(opts.component, basename(opts.component).replace(/\.wasm$/, ""), opts.vars ?? { GREETING: "bench" }, "argument");
  }
  const why = exampleUnavailable(opts.example);
  if (why) {
    throw new Error(`no component to measure: ${why}. Pass --component path/to/app.wasm (any built component), or --example DIR for an app with a wrangler-like.toml.`);
  }
  return buildInChild(opts.example, exampleCacheDir(opts.example), opts.vars);
}

/** Builds a project with buildApp in a child process, its caches and output under `cacheRoot`. */
async function buildInChild(project: string, cacheRoot: string, vars: Record<string, unknown> | null | undefined): Promise<ComponentSource> {
  const built = await runChild<BuildChildResult>(BUILD_CHILD, [project, join(cacheRoot, "cache"), join(cacheRoot, "dist"), "default"], { timeoutMs: 300_000 });
  return fromFile(built.wasmPath, built.name, vars ?? built.vars, "example");
}

/**
 * Another JS app of the same toolchain as the example: the example's code plus one module-level line,
 * so its snapshot (the engine module's data) differs and its engine code does not. What "new code
 * arriving on a node that already runs a JS app" loads (runtime/data-image.ts). Built like the example,
 * in a project beside the example's build cache. Null when the bench measures a --component.
 */
export async function resolveSibling(opts: RuntimeBenchOptions, src: ComponentSource): Promise<ComponentSource | null> {
  if (src.origin !== "example") return null;
  const config = readFileSync(join(opts.example, "wrangler-like.toml"), "utf8");
  const main = /^main\s*=\s*"([^"]+)"/m.exec(config)?.[1];
  if (!main) return null;
  const dir = join(exampleCacheDir(opts.example), "sibling-project");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "sibling.ts"), [
    "// Written by bench/runtime/component-source.ts: the example app with one more line of state.",
    `import app from ${JSON.stringify(resolve(opts.example, main))};`,
    `(globalThis as Record<string, unknown>).__outpostBenchSibling = "another app, the same engine";`,
    "export default app;",
    "",
  ].join("\n"));
  writeFileSync(join(dir, "wrangler-like.toml"), config.replace(/^main\s*=.*$/m, 'main = "sibling.ts"'));
  return buildInChild(dir, dir, src.vars);
}
