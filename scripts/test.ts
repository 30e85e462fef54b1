// Test runner behind `npm test`: type-checks, then runs every `*.test.ts` under the project's areas,
// each file in its own Node process (uvu suites), two at a time, and closes with `N passed, N failed`.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const areas = ["core", "runtime", "sdk", "cli", "testkit", "edge-node", "control-plane", "bench", "spec", "scripts", "examples"];
const filter = process.argv[2];

function findTests(dir: string, out: string[]): string[] {
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

type Outcome = { file: string; passed: number; failed: number; skipped: number; code: number | null; output: string };

function runFile(file: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { cwd: root, env: { ...process.env, FORCE_COLOR: "0" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => {
      // uvu prints "Total: N", "Passed: N", "Skipped: N" per process.
      const num = (label: string) => Number(/^\s*(\d+)?/.exec(output.split(`${label}:`).at(-1) ?? "")?.[1] ?? 0);
      const total = output.includes("Total:") ? num("Total") : 0;
      const passed = output.includes("Passed:") ? num("Passed") : 0;
      const skipped = output.includes("Skipped:") ? num("Skipped") : 0;
      let failed = Math.max(0, total - passed - skipped);
      if (code !== 0 && failed === 0) failed = 1; // crashed before uvu could count
      resolve({ file, passed, failed, skipped, code, output });
    });
  });
}

async function main(): Promise<void> {
  const typecheck = await new Promise<number | null>((resolve) => {
    const tsc = spawn(process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: root, stdio: "inherit" });
    tsc.on("close", resolve);
  });
  const files = findTests(root, []).filter((f) => areas.some((a) => relative(root, f).startsWith(a + "/"))).filter((f) => !filter || f.includes(filter)).sort();
  const queue = [...files];
  const results: Outcome[] = [];
  const parallel = Number(process.env.OUTPOST_TEST_JOBS ?? 2);
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file);
      results.push(r);
      const mark = r.failed ? "FAIL" : "ok  ";
      process.stdout.write(`${mark} ${relative(root, file)}  (${r.passed} passed, ${r.failed} failed)\n`);
      if (r.failed) process.stdout.write(r.output.split("\n").map((l) => "     | " + l).join("\n") + "\n");
    }
  }));
  let passed = results.reduce((n, r) => n + r.passed, 0);
  let failed = results.reduce((n, r) => n + r.failed, 0);
  const skipped = results.reduce((n, r) => n + r.skipped, 0);
  if (typecheck === 0) passed += 1; else { failed += 1; process.stdout.write("FAIL typecheck (tsc -p tsconfig.json)\n"); }
  process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  process.exit(failed ? 1 : 0);
}

await main();
