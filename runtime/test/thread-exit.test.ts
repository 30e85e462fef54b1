// RuntimeThread after its worker exited: loading an app version fails at once with a clear error
// instead of waiting forever for an answer the dead thread will never post (the pool's serve and event
// paths await this load). A real worker thread, terminated.
import { rmSync } from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { PostedApp } from "../pool/protocol.ts";
import { RuntimeThread } from "../pool/thread.ts";
import { tempDir } from "../../testkit/temp.ts";

test("load on a thread whose worker exited rejects instead of hanging", async () => {
  const dir = tempDir("outpost-thread-exit-");
  try {
    let exits = 0;
    const thread = new RuntimeThread(0, { idleBytes: 1 << 20, cacheDir: dir, onLog: () => {}, onExit: () => { exits++; } });
    await thread.ready;
    await thread.worker.terminate();
    await new Promise((r) => setTimeout(r, 50)); // the exit event follows terminate()
    assert.is(thread.alive, false);
    assert.is(exits, 1);
    // Never posted: a dead thread is asked nothing, so the spec's other fields do not matter here.
    const spec = { key: "app@v1" } as PostedApp;
    const outcome = await Promise.race([
      thread.load(spec, "first-use").then(() => "loaded", (err: Error) => err.message),
      new Promise<string>((r) => setTimeout(() => r("still waiting after 10 s"), 10_000)),
    ]);
    assert.match(outcome, /exited before it could load/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
