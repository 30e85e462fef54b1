// claimShape (shape-reuse.ts): of several processes meeting a new shape at once, one transpiles and the
// others get its record; a lock left by a process that is gone is taken over.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ComponentShape } from "./component-shape.ts";
import { claimShape, rememberShape, shapeDir } from "./shape-reuse.ts";
import { tempDir } from "../testkit/temp.ts";

const module = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
const info = { imports: [], exports: ["wasi:http/incoming-handler@0.2.10"] };

test("one claimant transpiles; the one that comes while it holds the lock gets its record", async () => {
  const cache = tempDir("outpost-shape-claim-");
  const shape: ComponentShape = { key: "k1", coreModules: [module] };
  const dir = shapeDir(cache, shape);
  const first = await claimShape(dir, shape);
  assert.ok("release" in first, "the first claimant transpiles");
  let secondDone = false;
  const second = claimShape(dir, shape).then((c) => { secondDone = true; return c; });
  await new Promise((r) => setTimeout(r, 200));
  assert.not.ok(secondDone, "the second waits while the lock is held");
  await rememberShape(dir, shape, info, "// glue", { "component.core.wasm": module });
  if ("release" in first) await first.release();
  const got = await second;
  assert.ok("record" in got, "the second gets the record instead of transpiling");
  if ("record" in got) assert.equal(got.record.names, ["component.core.wasm"]);
});

test("a lock whose holder has exited is taken over", async () => {
  const cache = tempDir("outpost-shape-claim-");
  const shape: ComponentShape = { key: "k2", coreModules: [module] };
  const dir = shapeDir(cache, shape);
  mkdirSync(`${dir}.lock`, { recursive: true });
  writeFileSync(join(`${dir}.lock`, "pid"), "999999999"); // no such process
  const t = performance.now();
  const claim = await claimShape(dir, shape, 10_000);
  assert.ok("release" in claim);
  assert.ok(performance.now() - t < 2_000, "taken over at once, not after the timeout");
  if ("release" in claim) await claim.release();
});

test.run();
