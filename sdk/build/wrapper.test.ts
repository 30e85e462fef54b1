// The component wrapper (wrapper.ts) and the V8 snapshot (snapshot.ts): the fixture built the full way
// (wizer, stub-wasi, component-new), by putting wizer's data into the cached wrapper, and by putting a
// V8 snapshot's data into it gives components that differ only in the main core module's data section
// and data count (wizer's snapshot differs from run to run anyway); all validate with the same world; a
// module of another shape is refused and takes the full path; an app with a bigger heap fits. (That the
// V8-made one serves is shown by every end-to-end test: their fixture builds take this path once a
// wrapper exists.)
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { validateComponent } from "../../core/component/validate.ts";
import { componentSections, coreSections, Reader } from "../../core/wasm/reader.ts";
import { loadConfig } from "../config/index.ts";
import { buildApp } from "./index.ts";
import { mainModule, moduleSignature, rewrap } from "./wrapper.ts";
import { tempDir } from "../../testkit/temp.ts";

const config = await loadConfig(join(import.meta.dirname, "fixtures", "hello", "wrangler-like.toml"));
const tmp = tempDir("outpost-wrapper-test-");
const build = (name: string, reuseWrapper: boolean, snapshot?: "wizer") => buildApp(config, { cacheDir: join(tmp, name, "cache"), outDir: join(tmp, name, "dist"), reuseWrapper, snapshot });
const full = await build("full", false, "wizer");
const reused = await build("reused", true);
const byWizer = await build("reused-wizer", true, "wizer");
const bytes = (p: string) => new Uint8Array(readFileSync(p));

/** The component's top-level sections and its largest core module's sections, as comparable strings; the data section and its count masked. */
function layout(c: Uint8Array): string[] {
  const top = componentSections(c, "");
  const main = top.find((s) => s.start === mainModule(c)!.start);
  const out: string[] = [];
  for (const s of top) {
    if (s !== main) { out.push(Buffer.from(c.subarray(s.start, s.end)).toString("base64")); continue; }
    const m = c.subarray(s.contentStart, s.end);
    for (const i of coreSections(m, "")) out.push(i.id === 11 ? "data" : i.id === 12 ? "data count" : Buffer.from(m.subarray(i.start, i.end)).toString("base64"));
  }
  return out;
}

test("the full build makes the wrapper and the next build reuses it, skipping stub-wasi and component-new", () => {
  assert.is(full.wrapper, "made");
  assert.is(reused.wrapper, "reused");
  assert.is(reused.snapshot, "v8", "with a wrapper, V8 takes the snapshot (snapshot.ts)");
  assert.is(byWizer.snapshot, "wizer");
  const steps = reused.steps.map((s) => s.name);
  assert.ok(steps.includes("wrap") && !steps.includes("stub-wasi") && !steps.includes("component-new"), steps.join(", "));
});

test("the components are the same bytes except the main module's data section and count, and validate alike", async () => {
  const [a, b] = [bytes(full.wasmPath), bytes(reused.wasmPath)];
  assert.equal(layout(b), layout(a));
  assert.equal(layout(bytes(byWizer.wasmPath)), layout(a));
  assert.equal(reused.manifest.imports, full.manifest.imports);
  assert.equal(reused.manifest.exports, full.manifest.exports);
  assert.ok((await validateComponent(b)).exports.length > 0);
});

test("another app with a bigger heap fits the same wrapper: its memory's minimum is its own, and the core module validates", async () => {
  const dir = join(tmp, "bigger");
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "wrangler-like.toml"), 'name = "bigger"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n');
  writeFileSync(join(dir, "src", "index.ts"), [
    "const table = Array.from({ length: 300000 }, (_, i) => `entry-${i}`); // built at init: in the snapshot",
    "export default { fetch: () => new Response(String(table.length)) };",
    "",
  ].join("\n"));
  const other = await buildApp(await loadConfig(join(dir, "wrangler-like.toml")), { cacheDir: join(tmp, "full", "cache"), outDir: join(dir, "dist") });
  assert.is(other.wrapper, "reused");
  const minimum = (c: Uint8Array) => {
    const main = mainModule(c)!;
    const m = c.subarray(main.contentStart, main.end);
    const mem = coreSections(m, "").find((s) => s.id === 5)!;
    const r = new Reader(m, mem.contentStart, "");
    r.uleb(32);
    r.byte();
    return { pages: r.uleb(32), module: m };
  };
  const [mine, theirs] = [minimum(bytes(other.wasmPath)), minimum(bytes(full.wasmPath))];
  assert.ok(mine.pages > theirs.pages, `${mine.pages} pages vs the wrapper's ${theirs.pages}`);
  assert.ok(WebAssembly.validate(mine.module as Uint8Array<ArrayBuffer>), "the rewrapped core module is valid wasm");
  assert.equal(other.manifest.exports, full.manifest.exports);
});

test("a module of another shape is refused (null), so the build takes the full path", () => {
  const component = bytes(full.wasmPath);
  const main = mainModule(component)!;
  const stubbed = component.subarray(main.contentStart, main.end); // stub-wasi changed its imports: not a wizened module's shape
  const info = { imports: [], exports: [] };
  const wrapper = { component, signature: moduleSignature(stubbed) + "x", info };
  assert.is(rewrap(wrapper, stubbed), null);
  assert.ok(rewrap({ component, signature: moduleSignature(stubbed), info }, stubbed), "the same signature rewraps");
});

test.run();
