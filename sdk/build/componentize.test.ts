// Tests that our componentize pipeline (componentize.ts + engine.ts) stays equivalent to componentize-js's
// own componentize(): same feature choice, and for the same JS the same world; plus the engine cache.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { componentizeJs, featuresFor } from "./componentize.ts";
import { engineKey } from "./engine.ts";
import { StepTimer } from "./steps.ts";
import { DEFAULT_FEATURES, loadJco } from "./toolchain.ts";
import { WORLD, witDir } from "./wit.ts";
import { tempDir } from "../../testkit/temp.ts";

const tmp = tempDir("outpost-componentize-test-");
const sourcePath = join(import.meta.dirname, "fixtures", "raw-guest.js");
const witPath = await witDir(join(tmp, "cache"));

test("DEFAULT_FEATURES matches componentize-js", async () => {
  await loadJco(); // componentize-js needs the preview2-shim preopens before it loads
  const cjs = (await import("@bytecodealliance/componentize-js")) as unknown as { DEFAULT_FEATURES: string[] };
  assert.equal([...DEFAULT_FEATURES], cjs.DEFAULT_FEATURES);
});

test("an incomingHandler export turns fetch-event off, as componentize() does", () => {
  assert.not.ok(featuresFor(["incomingHandler", "queueHandler"]).includes("fetch-event"));
  assert.ok(featuresFor(["default"]).includes("fetch-event"));
  assert.equal(featuresFor(["incomingHandler"]).sort(), ["clocks", "http", "random", "stdio"]);
});

test("the engine cache key depends on the features and the WIT", async () => {
  const a = await engineKey({ witPath, worldName: WORLD, features: featuresFor(["incomingHandler"]) });
  const b = await engineKey({ witPath, worldName: WORLD, features: [...featuresFor(["incomingHandler"])].reverse() });
  const c = await engineKey({ witPath, worldName: WORLD, features: featuresFor([]) });
  const d = await engineKey({ witPath: join(tmp, "other-wit"), worldName: WORLD, features: featuresFor(["incomingHandler"]) });
  assert.is(a, b);
  assert.is.not(a, c);
  assert.is.not(a, d);
});

test("gives the same component world as componentize(), and caches the spliced engine and the wrapper", async () => {
  const jco = await loadJco();
  const { componentize } = await import("@bytecodealliance/componentize-js");
  // componentize() maps the current directory into the guest when the source is inside it; ours never
  // does, so give it the source from outside, as a build does (the snapshot then differs only in paths).
  const outside = join(tmp, "raw-guest.js");
  copyFileSync(sourcePath, outside);
  const theirOptions = { sourcePath: outside, sourceName: "raw-guest.js", witPath, worldName: WORLD }; // sourceName: untyped, but read
  const theirs = (await componentize(theirOptions)).component;

  const cacheDir = join(tmp, "project-cache");
  const options = {
    source: readFileSync(sourcePath, "utf8"),
    sourceName: "raw-guest.js",
    exportNames: ["incomingHandler", "scheduledHandler", "queueHandler"],
    witPath,
    worldName: WORLD,
    cacheDir,
    globalCacheDir: null,
    what: "the test guest",
  };
  const timer = new StepTimer();
  const first = await componentizeJs({ ...options, timer });
  assert.is(first.engine, "spliced");
  assert.equal(timer.steps.map((s) => s.name), ["engine", "wizer", "check-init", "stub-wasi", "component-new", "validate"]);
  assert.is(first.wrapper, "made");
  const secondTimer = new StepTimer();
  const second = await componentizeJs({ ...options, timer: secondTimer });
  assert.is(second.engine, "project-cache");
  assert.is(second.wrapper, "reused", "the second build puts its snapshot into the first one's wrapper");
  assert.equal(secondTimer.steps.map((s) => s.name), ["engine", "snapshot", "wrap", "check-init", "validate"]);
  assert.is(second.snapshot, "v8", "with a wrapper to vouch for the layout, V8 takes the snapshot");
  assert.ok(existsSync(join(cacheDir, "engines")));

  const ours = first.component;
  assert.is(await jco.componentWit(ours), await jco.componentWit(theirs));
  assert.is(await jco.componentWit(second.component), await jco.componentWit(theirs));
  // Not byte-identical: wizer's heap snapshot holds the temp paths, and their lengths shift allocations
  // (a few KB either way; componentize() alone varies with the directory it runs in). Every module but
  // the engine (adapter, shims) is the same size.
  assert.ok(Math.abs(ours.length - theirs.length) < 64 * 1024, `sizes ${ours.length} vs ${theirs.length}`);
  const sizes = async (bytes: Uint8Array) => (await jco.metadataShow(bytes)).slice(2).map((m) => m.range[1] - m.range[0]);
  assert.equal(await sizes(ours), await sizes(theirs));
  const producers = (await jco.metadataShow(ours))[0].producers;
  assert.equal(producers.find(([k]) => k === "language")?.[1], [["JavaScript", ""]]);
  assert.ok(producers.find(([k]) => k === "processed-by")?.[1].some(([tool]) => tool === "ComponentizeJS"));
});

test.run();
