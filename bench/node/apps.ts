// The apps bench/node.ts deploys: builds them with the real CLI (the tenant fixture, this bench's hold
// fixture, the packaged C example) and lays out directories of N deployments of one build (N manifests
// differing in name, route and vars, each next to a symlink to the same .wasm), as an edge node reads them.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseRoutePattern, type Route } from "../../core/config/routes.ts";
import { buildFixture } from "../../testkit/apps.ts";
import { outpost, outpostBuild } from "../../testkit/cli.ts";
import { progress } from "../lib/progress.ts";
import { REPO_DIR } from "./options.ts";

export interface BuiltApp {
  /** What it is, for the report. */
  label: string;
  wasm: string;
  manifest: Record<string, unknown>;
  sizeBytes: number;
  sha256: string;
}

export interface BuiltApps {
  tenant: BuiltApp;
  hold: BuiltApp;
  c: BuiltApp | null;
}

const HOLD_FIXTURE = join(import.meta.dirname, "fixtures", "hold-app");
const C_EXAMPLE = join(REPO_DIR, "examples", "c-hello");

/**
 * Builds the C example's component (examples/c-hello/build.ts; its progress goes to stderr, so stdout
 * stays a table or JSON) and packages it with `outpost build --component`, as testkit/apps.ts does.
 */
async function packageC(outDir: string): Promise<void> {
  const { buildCComponent } = await import("../../examples/c-hello/build.ts");
  const wasm = await buildCComponent({ log: progress });
  await outpost(["build", "--component", wasm, "--env", "test", "--out-dir", outDir], C_EXAMPLE);
}

function built(label: string, dir: string, name: string): BuiltApp {
  const wasm = join(dir, `${name}.wasm`);
  const manifest = JSON.parse(readFileSync(join(dir, `${name}.manifest.json`), "utf8")) as Record<string, unknown>;
  const sha256 = createHash("sha256").update(readFileSync(wasm)).digest("hex");
  return { label, wasm, manifest, sizeBytes: statSync(wasm).size, sha256 };
}

/** Builds every app the bench needs into `dir/built` (the C example only when `c`). */
export async function buildApps(dir: string, c: boolean): Promise<BuiltApps> {
  const out = join(dir, "built");
  await Promise.all([buildFixture("tenant-app", out), outpostBuild(HOLD_FIXTURE, out)]);
  if (c) {
    await packageC(out).catch((err: Error) => {
      throw new Error(`could not build or package the C example (examples/c-hello): ${err.message}\nRerun with --no-c to skip the C rows.`);
    });
  }
  return {
    tenant: built("JS (tenant fixture)", out, "tenant"),
    hold: built("JS (hold fixture)", out, "hold"),
    c: c ? built("C (examples/c-hello)", out, "c-hello-test") : null,
  };
}

function route(pattern: string): Route {
  const parsed = parseRoutePattern(pattern);
  if ("error" in parsed) throw new Error(`route ${pattern}: ${parsed.error}`);
  return parsed.route;
}

/** The host an app deployed by `deployMany` answers on. */
export const appHost = (prefix: string, i: number) => `${prefix}-${i}.bench.test`;

/**
 * A directory with `n` deployments of `app`: `<prefix>-<i>` on host `<prefix>-<i>.bench.test`, with
 * `TENANT=i`. Returns the directory and the hosts in deployment order.
 */
export function deployMany(app: BuiltApp, n: number, dir: string, prefix: string): { dir: string; hosts: string[] } {
  mkdirSync(dir, { recursive: true });
  const hosts: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `${prefix}-${i}`;
    hosts.push(appHost(prefix, i));
    writeFileSync(join(dir, `${name}.manifest.json`), JSON.stringify({ ...app.manifest, name, vars: { TENANT: String(i) }, routes: [route(`${appHost(prefix, i)}/*`)] }));
    symlinkSync(app.wasm, join(dir, `${name}.wasm`));
  }
  return { dir, hosts };
}

/** A directory with one deployment of `app` answering every request (route `/*`), for load without a host header. */
export function deployOne(app: BuiltApp, dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.manifest.json`), JSON.stringify({ ...app.manifest, name, routes: [route("/*")] }));
  symlinkSync(app.wasm, join(dir, `${name}.wasm`));
  return dir;
}
