// A control plane that cannot listen (its port is taken) rejects with the error and stops what it had
// started (queue dispatcher and cron timers, the store), so the process can exit: checked in a child
// process that must end on its own.
import { spawn } from "node:child_process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { removeDir, tempDir } from "../../testkit/temp.ts";
import { listen } from "../../testkit/listen.ts";

const SERVER = fileURLToPath(new URL("../server.ts", import.meta.url));

test("a taken port rejects startControlPlane and leaves nothing running", async () => {
  const blocker = createServer();
  const { port } = await listen(blocker);
  const dataDir = tempDir();
  const script = `
    const { startControlPlane } = await import(${JSON.stringify(SERVER)});
    try {
      await startControlPlane({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, env: {} });
      console.log("started");
    } catch (e) {
      console.log("rejected " + e.code);
    }`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
  clearTimeout(timer);
  blocker.close();
  removeDir(dataDir);
  assert.is(out.trim(), "rejected EADDRINUSE");
  assert.equal([code, signal], [0, null], "the process exited by itself (nothing left running)");
});

test.run();
