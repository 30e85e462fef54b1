// Shape reuse: two JS apps built by the real toolchain share a shape, the second is laid out from
// the first one's transpile (no jco run) with its own core modules, and still serves its own code.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { buildFixture } from "../testkit/apps.ts";
import { compileComponent } from "./component.ts";
import { componentShape, largeCodeSections } from "./component-shape.ts";
import { tempDir } from "../testkit/temp.ts";

const dir = tempDir("outpost-shape-");
const apps = join(dir, "apps");
await Promise.all([buildFixture("tenant-app", apps), buildFixture("e2e-app", apps)]);
const tenant = readFileSync(join(apps, "tenant.wasm"));
const e2e = readFileSync(join(apps, "e2e-app.wasm"));

test("two JS apps have different bytes but one shape", () => {
  assert.not.equal(tenant, e2e);
  const a = componentShape(tenant)!;
  const b = componentShape(e2e)!;
  assert.is(a.key, b.key);
  assert.is(a.coreModules.length, 4);
});

test("what is not a component has no shape", () => {
  assert.is(componentShape(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])), null);
  assert.is(componentShape(new Uint8Array([1, 2, 3])), null);
  assert.is(componentShape(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 1, 0xff])), null, "a section past the end");
});

test("the second app of a shape skips jco and keeps its own core modules", async () => {
  const cacheDir = join(dir, "cache");
  const first = await compileComponent(tenant, { cacheDir, sharedCacheDir: null });
  const second = await compileComponent(e2e, { cacheDir, sharedCacheDir: null });
  assert.ok(first.timings.transpileMs > 200, `the first app was transpiled (${Math.round(first.timings.transpileMs)} ms)`);
  assert.ok(second.timings.transpileMs < first.timings.transpileMs / 4, `the second reused it (${Math.round(second.timings.transpileMs)} ms)`);
  assert.equal(second.imports, first.imports);
  const engine = readFileSync(join(cacheDir, "transpiled", second.hash, "component.core.wasm"));
  assert.ok(Buffer.compare(engine, Buffer.from(componentShape(e2e)!.coreModules[0])) === 0, "the engine module is the second app's own");
});

test("the engine's code section is the one large range, the same bytes in two apps", () => {
  const [ra, rb] = [largeCodeSections(tenant), largeCodeSections(e2e)];
  assert.is(ra.length, 1, "one code section over 1 MiB");
  assert.ok(ra[0].end - ra[0].start > 5_000_000, `${ra[0].end - ra[0].start} bytes`);
  assert.equal(Buffer.from(tenant.subarray(ra[0].start, ra[0].end)), Buffer.from(e2e.subarray(rb[0].start, rb[0].end)));
  assert.equal(largeCodeSections(new Uint8Array([1, 2, 3])), []);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
