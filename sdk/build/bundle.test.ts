// Tests the bundling step (bundle.ts) and bundle-to-source position mapping (sourcemap.ts) on small
// projects written to a temp directory: fast, no componentize.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { bundleApp, entrySource, GUEST_SHIM, GUEST_WEB } from "./bundle.ts";
import { BuildError } from "./errors.ts";
import { mapPositions } from "./sourcemap.ts";
import { tempDir, writeFiles } from "../../testkit/temp.ts";

const root = tempDir("outpost-bundle-");
// A stand-in guest shim, so these tests do not depend on the real one's imports.
const guest = join(root, "guest.js");
writeFileSync(guest, `import { write } from "outpost:edge/log@0.1.0";\nexport function serve(w) { return { incomingHandler: { handle() { write("info", String(w), "{}"); } }, scheduledHandler: {}, queueHandler: {} }; }\n`);

function project(name: string, files: Record<string, string>): { dir: string; main: string } {
  const dir = join(root, name);
  writeFiles(dir, files);
  return { dir, main: join(dir, "src/index.ts") };
}

async function bundleError(config: { dir: string; main: string }): Promise<BuildError> {
  try {
    await bundleApp(config, { guest });
  } catch (err) {
    assert.instance(err, BuildError);
    return err as BuildError;
  }
  throw new Error("expected bundleApp to fail");
}

test("the generated entry hands the default export to serve() and exports the three handlers", () => {
  const src = entrySource("/app/src/index.ts", "/outpost/sdk/guest/index.ts");
  assert.ok(src.startsWith(`import ${JSON.stringify(GUEST_WEB)};`), "the web API fixes are imported first");
  assert.match(src, 'import worker from "/app/src/index.ts";');
  assert.match(src, 'import { serve } from "/outpost/sdk/guest/index.ts";');
  for (const name of ["incomingHandler", "scheduledHandler", "queueHandler"]) assert.match(src, `export const ${name} = app.${name};`);
  assert.ok(GUEST_SHIM.endsWith("sdk/guest/index.ts"));
});

test("bundles TypeScript, npm packages and `outpost`, keeping wasi:/outpost: imports external", async () => {
  const config = project("ok", {
    "src/index.ts": `import type { Worker } from "outpost";\nimport * as sdk from "outpost";\nimport cjs from "cjs-dep";\nimport { where } from "cond-dep";\nimport { n } from "./n.ts";\nexport default { fetch: () => new Response(String(n + Object.keys(sdk).length + cjs.v) + where) } satisfies Worker;\n`,
    "src/n.ts": "export const n: number = 41 + 1;\n",
    "node_modules/cjs-dep/package.json": `{ "name": "cjs-dep", "main": "main.js" }`,
    "node_modules/cjs-dep/main.js": "module.exports = { v: 7 };\n",
    "node_modules/cond-dep/package.json": `{ "name": "cond-dep", "exports": { "node": "./node.js", "workerd": "./worker.js", "default": "./default.js" } }`,
    "node_modules/cond-dep/node.js": `export const where = "node build";\n`,
    "node_modules/cond-dep/worker.js": `export const where = "worker build";\n`,
    "node_modules/cond-dep/default.js": `export const where = "default build";\n`,
  });
  const bundle = await bundleApp(config, { guest });
  assert.equal(bundle.exports.sort(), ["incomingHandler", "queueHandler", "scheduledHandler"]);
  assert.match(bundle.code, /from "outpost:edge\/log@0\.1\.0"/);
  assert.match(bundle.code, "41 + 1");
  assert.match(bundle.code, "v: 7", "CommonJS packages resolve through `main`");
  assert.match(bundle.code, "worker build", "the workerd/worker export conditions win over node");
  assert.not.match(bundle.code, "sourceMappingURL");
  assert.ok(bundle.inputs.length >= 5 && bundle.inputs.every((f) => isAbsolute(f) && existsSync(f)), bundle.inputs.join(", "));
  assert.ok(JSON.parse(bundle.map).sources.some((s: string) => s.endsWith("src/n.ts")));
});

test("a syntax error is reported as file:line:column with the source line", async () => {
  const config = project("syntax", { "src/index.ts": `// one\n// two\nexport default {\n  fetch() {\n    return new Response("hi" }\n};\n` });
  const err = await bundleError(config);
  assert.is(err.step, "bundle");
  assert.match(err.message, /syntax\/src\/index\.ts:5:\d+: Expected "\)" but found "}"/);
  assert.match(err.message, '5 |     return new Response("hi" }');
});

test("a missing default export says what to write", async () => {
  const err = await bundleError(project("nodefault", { "src/index.ts": "export const fetch = () => new Response();\n" }));
  assert.match(err.message, "has no default export; write `export default { async fetch(request, env, ctx)");
});

test("node: built-ins are refused with the reason", async () => {
  const err = await bundleError(project("nodefs", { "src/index.ts": `import { readFileSync } from "node:fs";\nexport default { fetch: () => new Response(String(readFileSync)) };\n` }));
  assert.match(err.message, /src\/index\.ts:1:\d+: Could not resolve "node:fs"/);
  assert.match(err.message, "Node built-in modules are not available");
});

test("a missing guest shim is a clear error", async () => {
  const config = project("noshim", { "src/index.ts": "export default {};\n" });
  try {
    await bundleApp(config, { guest: join(root, "missing.js") });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, "the Outpost guest shim is missing");
  }
});

test("positions in the bundle map back to the author's files", async () => {
  const config = project("mapped", { "src/index.ts": `const a: number = 1;\n\nfunction boom(): never { throw new Error("x" + a); }\nboom();\nexport default {};\n` });
  const bundle = await bundleApp(config, { guest });
  const line = bundle.code.split("\n").findIndex((l) => l.includes('throw new Error("x" + a)')) + 1;
  const col = bundle.code.split("\n")[line - 1].indexOf("throw") + 1;
  const text = `Error: x1\n  boom@app.js:${line}:${col}\n  other.js:1:1 stays`;
  const mapped = mapPositions(text, "app.js", bundle.map, config.dir, "/nowhere");
  assert.match(mapped, `boom@${config.dir}/src/index.ts:3:26`);
  assert.match(mapped, "other.js:1:1 stays");
});

test.run();
