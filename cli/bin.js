#!/usr/bin/env node
// Launcher of the `outpost` command, in plain JavaScript so any Node can start it: on Node 26+ it runs
// the TypeScript CLI (main.ts) directly; on an older Node it re-executes itself with the Node 26 binary
// of the `node` npm package in the repo, forwarding arguments, stdio, signals and the exit code.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REQUIRED_MAJOR = 26;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const major = Number(process.versions.node.split(".")[0]);

if (major >= REQUIRED_MAJOR) {
  delete process.env.OUTPOST_REEXEC; // so tools this process starts may re-exec themselves too
  (await import("../runtime/compile-cache.js")).useCompileCache();
  const { main } = await import("./main.ts");
  process.exitCode = await main(process.argv.slice(2));
} else {
  const node26 = join(root, "node_modules", "node", "bin", "node");
  if (!existsSync(node26) || process.env.OUTPOST_REEXEC === "1") {
    process.stderr.write(
      "error: Outpost needs Node " + REQUIRED_MAJOR + " or newer (JSPI); found v" + process.versions.node + ". " +
        "Run `npm install` in " + root + " so the node@" + REQUIRED_MAJOR + " package is installed, or install Node " + REQUIRED_MAJOR + ".\n",
    );
    process.exit(1);
  }
  const child = spawn(node26, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, OUTPOST_REEXEC: "1" },
  });
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, forward(signal));
  child.on("error", (err) => {
    process.stderr.write("error: could not start " + node26 + ": " + err.message + "\n");
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  });
}
