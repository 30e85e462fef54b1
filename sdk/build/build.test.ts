// Tests `outpost build` as a library (index.ts): the fixture app builds into a valid component plus
// manifest, an unchanged rebuild comes from the cache without bundling while an edit is seen, prebuilt
// components are packaged or refused, and bundling and initialisation errors name the author's file
// and line. Builds once (~5 s) and reuses it.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateComponent } from "../../core/component/validate.ts";
import { loadConfig } from "../config/index.ts";
import { BuildError, buildApp, packageComponent, type BuildResult } from "./index.ts";
import { loadJco } from "./toolchain.ts";
import { OUTPOST_WIT, witDir } from "./wit.ts";
import { tempDir, writeFiles } from "../../testkit/temp.ts";

const fixture = join(import.meta.dirname, "fixtures", "hello");
const config = await loadConfig(join(fixture, "wrangler-like.toml"));
const tmp = tempDir("outpost-build-test-");
const cacheDir = join(tmp, "cache");
const progress: Array<[string, number | undefined]> = [];
const first = await buildApp(config, { cacheDir, onProgress: (step, ms) => progress.push([step, ms]) });
const second = await buildApp(config, { cacheDir });

async function project(name: string, files: Record<string, string>) {
  const dir = join(tmp, name);
  files["wrangler-like.toml"] = `name = "${name}"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n`;
  writeFiles(dir, files);
  return loadConfig(join(dir, "wrangler-like.toml"));
}

async function buildError(run: () => Promise<BuildResult>): Promise<BuildError> {
  try {
    await run();
  } catch (err) {
    assert.instance(err, BuildError);
    return err as BuildError;
  }
  throw new Error("expected the build to fail");
}

/** A tiny component from WIT alone (a dummy core module), as another language's toolchain would make. */
async function witComponent(items: string): Promise<Uint8Array> {
  const jco = await loadJco();
  const dir = mkdtempSync(join(tmp, "wit-"));
  cpSync(join(await witDir(cacheDir), "deps"), join(dir, "deps"), { recursive: true });
  cpSync(OUTPOST_WIT, join(dir, "deps", "outpost", "outpost.wit"));
  writeFileSync(join(dir, "world.wit"), `package test:w;\nworld w { ${items} }\n`);
  return jco.componentNew(await jco.componentEmbed({ witPath: dir, dummy: true, world: "test:w/w" }), []);
}

test("builds the fixture into a component that validates, plus its manifest", async () => {
  assert.is(first.cached, false);
  assert.is(first.wasmPath, join(fixture, "dist", "hello.wasm"));
  assert.is(first.manifestPath, join(fixture, "dist", "hello.manifest.json"));
  const bytes = readFileSync(first.wasmPath);
  const info = await validateComponent(bytes);
  assert.ok(info.exports.includes("wasi:http/incoming-handler@0.2.10"));
  assert.is(info.language, "JavaScript");

  const m = first.manifest;
  assert.equal(JSON.parse(readFileSync(first.manifestPath, "utf8")), m);
  assert.is(m.name, "hello");
  assert.is(m.kind, "js");
  assert.is(m.sha256, createHash("sha256").update(bytes).digest("hex"));
  assert.is(m.size, bytes.length);
  assert.equal(m.imports, info.imports);
  assert.equal(m.exports, info.exports);
  assert.equal(m.vars, { GREETING: "Hello from the build fixture" });
  assert.is(m.compatibilityDate, "2025-01-01");
  assert.equal(m.secrets, []);
  assert.ok(m.limits.cpuMs > 0);
  assert.ok(m.routes.length >= 1);
  assert.ok(m.builtWith.componentizeJs && m.builtWith.jco && m.builtWith.outpost);
});

test("reports every step with its time", () => {
  const names = first.steps.map((s) => s.name);
  const middle = first.snapshot === "v8" ? ["snapshot", "wrap", "check-init"]
    : first.wrapper === "made" ? ["wizer", "check-init", "stub-wasi", "component-new"]
    : ["snapshot", "wizer", "check-init", "wrap"]; // a wrapper, but V8's snapshot did not fit it
  assert.equal(names, ["bundle", "cache", "engine", ...middle, "validate", "write"]);
  for (const name of names) {
    assert.ok(progress.some(([s, ms]) => s === name && ms === undefined), `${name} start`);
    assert.ok(progress.some(([s, ms]) => s === name && typeof ms === "number"), `${name} end`);
  }
  assert.ok(first.engine === "spliced" || first.engine === "global-cache");
});

test("an unchanged rebuild is served from the cache without bundling", () => {
  assert.is(second.cached, true);
  assert.equal(second.steps.map((s) => s.name), ["inputs", "write"]);
  assert.is(second.manifest.sha256, first.manifest.sha256);
  assert.is(readFileSync(second.wasmPath).length, first.manifest.size);
});

test("an edit bundles again; so does a new file beside an input, whose bundle is then found in the cache", async () => {
  const app = await project("inputs", {
    "src/index.ts": `import { n } from "./n";\nexport default { fetch: () => new Response(String(n)) };\n`,
    "src/n.ts": "export const n = 1;\n",
  });
  const built = await buildApp(app, { cacheDir });
  assert.equal((await buildApp(app, { cacheDir })).steps.map((s) => s.name), ["inputs", "write"]);
  writeFileSync(join(app.dir, "src", "n.js"), "export const n = 2;\n"); // ./n still resolves to n.ts
  const listed = await buildApp(app, { cacheDir });
  assert.equal(listed.steps.map((s) => s.name), ["inputs", "bundle", "cache", "write"]);
  assert.is(listed.manifest.sha256, built.manifest.sha256);
  writeFileSync(join(app.dir, "src", "n.ts"), "export const n = 3;\n");
  const edited = await buildApp(app, { cacheDir });
  assert.is(edited.cached, false);
  assert.is.not(edited.manifest.sha256, built.manifest.sha256);
  assert.equal((await buildApp(app, { cacheDir })).steps.map((s) => s.name), ["inputs", "write"]);
});

test("--component packages a good prebuilt component", async () => {
  const outDir = join(tmp, "out-prebuilt");
  const result = await packageComponent(first.wasmPath, config, { outDir });
  assert.is(result.manifest.kind, "prebuilt");
  assert.is(result.manifest.builtWith.componentizeJs, null);
  assert.is(result.manifest.sha256, first.manifest.sha256);
  assert.is(result.wasmPath, join(outDir, "hello.wasm"));
  assert.equal(result.steps.map((s) => s.name), ["read", "validate", "write"]);

  const small = join(tmp, "small.wasm");
  writeFileSync(small, await witComponent("import wasi:http/outgoing-handler@0.2.10; import outpost:edge/kv@0.1.0; export wasi:http/incoming-handler@0.2.10;"));
  const packaged = await packageComponent(small, config, { outDir: join(tmp, "out-small") });
  assert.ok(packaged.manifest.imports.includes("outpost:edge/kv@0.1.0"));
});

test("--component refuses a component that imports sockets, and writes nothing", async () => {
  const bad = join(tmp, "sockets.wasm");
  writeFileSync(bad, await witComponent("import wasi:sockets/tcp@0.2.10; export wasi:http/incoming-handler@0.2.10;"));
  const outDir = join(tmp, "out-bad");
  const err = await buildError(() => packageComponent(bad, config, { outDir }));
  assert.is(err.step, "validate");
  assert.match(err.message, `${bad}: component refused`);
  assert.match(err.message, "imports wasi:sockets/tcp@0.2.10, which Outpost does not grant: components may not open sockets; use fetch()");
  assert.not.ok(existsSync(join(outDir, "hello.wasm")));

  const missing = await buildError(() => packageComponent(join(tmp, "nope.wasm"), config, { outDir }));
  assert.match(missing.message, "nope.wasm: no such file");
});

test("an esbuild error names file:line", async () => {
  const broken = await project("broken", { "src/index.ts": `// 1\n// 2\nexport default {\n  fetch() {\n    return new Response("hi" }\n};\n` });
  const err = await buildError(() => buildApp(broken, { cacheDir }));
  assert.is(err.step, "bundle");
  assert.match(err.message, /broken\/src\/index\.ts:5:\d+: Expected "\)" but found "}"/);
});

test("an exception in top-level code names the author's file and line", async () => {
  const boom = await project("boom", { "src/index.ts": `const n: number = 2;\n\nthrow new Error("no config " + n);\nexport default {};\n` });
  const err = await buildError(() => buildApp(boom, { cacheDir }));
  assert.is(err.step, "initialize");
  assert.match(err.message, "top-level code runs at build time");
  assert.match(err.message, /boom\/src\/index\.ts:3:\d+ Error: no config 2/);
});

test.run();
