// Installs the peers the bench compares against (pinned workerd and edge-runtime) into a bench-private npm
// prefix with the machine's npm, skipping the install when the pinned versions are already there, and
// says where each peer's entry point is. jco is the repository's own dependency. Never throws: a peer
// that cannot be installed (no network) comes back as null with the reason.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { progress, warn } from "../lib/progress.ts";
import { REPO_DIR } from "./options.ts";

/** Exact versions, so two runs of the bench measure the same peers. */
export const PINNED = { workerd: "1.20261117.1", "edge-runtime": "4.0.1" } as const;
const WORKERD_PLATFORM = `@cloudflare/workerd-${process.platform}-${process.arch === "x64" ? "64" : process.arch}`;

export interface PeerInstall {
  /** The workerd binary itself (the platform package's, so no Node launcher sits in front of it). */
  workerd: { bin: string; version: string } | null;
  /** edge-runtime's package directory (its JS API is loaded from there). */
  edgeRuntime: { dir: string; version: string } | null;
  /** jco's CLI from the repository's own dependencies. */
  jco: { cli: string; version: string } | null;
  /** Why a peer is missing, by peer. */
  problems: Record<string, string>;
}

function versionAt(pkgDir: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function locate(prefix: string): Omit<PeerInstall, "problems"> & { missing: string[] } {
  const nm = join(prefix, "node_modules");
  const missing: string[] = [];
  const wdDir = join(nm, WORKERD_PLATFORM);
  const wdBin = join(wdDir, "bin", "workerd");
  const workerd = versionAt(join(nm, "workerd")) === PINNED.workerd && existsSync(wdBin) ? { bin: wdBin, version: PINNED.workerd } : null;
  if (!workerd) missing.push("workerd");
  const erDir = join(nm, "edge-runtime");
  const edgeRuntime = versionAt(erDir) === PINNED["edge-runtime"] ? { dir: erDir, version: PINNED["edge-runtime"] } : null;
  if (!edgeRuntime) missing.push("edge-runtime");
  const jcoDir = join(REPO_DIR, "node_modules", "@bytecodealliance", "jco");
  const jcoVersion = versionAt(jcoDir);
  const jco = jcoVersion && existsSync(join(jcoDir, "dist", "jco.js")) ? { cli: join(jcoDir, "dist", "jco.js"), version: jcoVersion } : null;
  return { workerd, edgeRuntime, jco, missing };
}

function npmInstall(prefix: string, timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const args = ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", "--fetch-retries=1", "--fetch-timeout=60000"];
    const child = spawn("npm", args, { cwd: prefix, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => { output += `\n(killed after ${timeoutMs / 1000} s)`; child.kill("SIGKILL"); }, timeoutMs);
    child.on("error", (e) => { clearTimeout(timer); resolve({ ok: false, output: `could not run npm: ${e.message}` }); });
    child.on("close", (code) => { clearTimeout(timer); resolve({ ok: code === 0, output: output.trim() }); });
  });
}

/** The telling lines of npm's error output: its code and the message, without the stack. */
function npmError(output: string): string {
  const lines = output.split("\n").map((l) => l.replace(/^npm (error|ERR!)\s*/, "").trim()).filter(Boolean);
  const code = lines.find((l) => l.startsWith("code "));
  const message = lines.find((l) => !/^(code|syscall|errno) |^at |^A complete log/.test(l));
  return [code, message].filter(Boolean).join(": ").slice(0, 300) || output.slice(-300);
}

/** Makes sure the pinned peers are in `prefix` (unless `install` is false) and returns where they are. */
export async function ensurePeers(prefix: string, opts: { install: boolean; timeoutMs?: number }): Promise<PeerInstall> {
  let found = locate(prefix);
  const problems: Record<string, string> = {};
  if (found.missing.length > 0 && opts.install) {
    progress(`peers: installing ${found.missing.map((n) => `${n}@${PINNED[n as keyof typeof PINNED]}`).join(", ")} into ${prefix} (npm)`);
    const t0 = performance.now();
    await mkdir(prefix, { recursive: true });
    const manifest = {
      name: "outpost-bench-peers",
      private: true,
      description: "Written by bench/peers/install.ts: the peers bench/peers.ts measures, at pinned versions.",
      dependencies: { ...PINNED },
      allowScripts: { workerd: true },
    };
    await writeFile(join(prefix, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    const r = await npmInstall(prefix, opts.timeoutMs ?? 240_000);
    found = locate(prefix);
    if (r.ok) progress(`peers: npm install took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const why = r.ok ? "npm install succeeded but the package is not where expected" : `npm install failed: ${npmError(r.output)}`;
    for (const name of found.missing) problems[name] = why;
  } else if (found.missing.length > 0) {
    for (const name of found.missing) problems[name] = `not installed in ${prefix} and --no-install was given`;
  } else {
    progress(`peers: workerd ${PINNED.workerd}, edge-runtime ${PINNED["edge-runtime"]} already in ${prefix}`);
  }
  if (!found.jco) problems["jco"] = "node_modules/@bytecodealliance/jco is missing: run npm install in the repository";
  for (const [name, why] of Object.entries(problems)) warn(`peers: ${name} unavailable, skipped: ${why}`);
  return { workerd: found.workerd, edgeRuntime: found.edgeRuntime, jco: found.jco, problems };
}
