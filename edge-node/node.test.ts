// startEdgeNode: a node that cannot start (here an app path that does not exist) rejects naming the
// cause and leaves nothing running behind it: no runtime threads, server or store handles.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startEdgeNode } from "./node.ts";
import { tempDir } from "../testkit/temp.ts";

test("a failed start stops the pool, the store and the server it opened", async () => {
  const dir = tempDir("outpost-node-");
  try {
    const missing = join(dir, "no-such-apps");
    let error: Error | null = null;
    await startEdgeNode({
      region: "r", host: "127.0.0.1", port: 0, dataDir: join(dir, "data"), cacheDir: join(dir, "cache"), threads: 1,
      apps: [missing], onLog: () => undefined, say: () => undefined,
    }).catch((err: Error) => { error = err; });
    assert.ok(error, "startEdgeNode should reject");
    assert.match((error as unknown as Error).message, missing);
    await new Promise((r) => setTimeout(r, 100)); // worker termination settles
    const left = process.getActiveResourcesInfo().filter((r) => r === "MessagePort" || r === "TCPServerWrap" || r === "Timeout");
    assert.equal(left, [], `resources left running: ${left.join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
