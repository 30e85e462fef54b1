// Builds examples/c-hello/handler.c into dist/c-hello.wasm, a wasi:http/proxy@0.2.0 component:
// finds (or, as root, installs) clang + wasi-libc, compiles a core module, embeds world.wit with
// its WASI deps, wraps it with jco's componentNew. Library (`buildCComponent()`) and CLI.
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { loadJco } from "../../sdk/build/toolchain.ts";
import { materializeWit } from "../../sdk/build/wit.ts";

const run = promisify(execFile);

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCES = [join(here, "handler.c"), join(here, "world.wit"), fileURLToPath(import.meta.url)];
export const OUTPUT = join(here, "dist", "c-hello.wasm");
const CACHE = join(here, ".outpost", "cache");
const WORLD = "c-hello";
/** The WASI version handler.c's import and export names are written for. */
const WASI_VERSION = "0.2.0";

/** Debian bookworm packages that give clang-14 a wasm32-wasi target. */
const PACKAGES = {
  clang: "clang-14",
  "wasm-ld": "lld-14",
  "wasi-libc sysroot": "wasi-libc",
  "compiler-rt builtins for wasm32": "libclang-rt-14-dev-wasm32",
} as const;
type Part = keyof typeof PACKAGES;
/**
 * Where wasi-libc may be: Debian's package is multiarch (/usr/lib/wasm32-wasi, which Debian's clang
 * searches by default, so no --sysroot); wasi-sdk and other distributions ship a sysroot directory.
 */
const SYSROOTS: Array<{ libc: string; sysroot: string | null }> = [
  { libc: "/usr/lib/wasm32-wasi/libc.a", sysroot: null },
  ...["/usr/share/wasi-sysroot", "/usr/lib/wasi-sysroot", "/opt/wasi-sdk/share/wasi-sysroot"].map((dir) => ({
    libc: join(dir, "lib", "wasm32-wasi", "libc.a"), sysroot: dir,
  })),
];

export interface BuildCOptions {
  /** Where progress lines go (default: console.log); `() => {}` silences them. */
  log?: (line: string) => void;
  /** Rebuild even when dist/c-hello.wasm is newer than every source. */
  force?: boolean;
}

interface Toolchain { clang: string; sysroot: string | null }

async function which(cmd: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

/** What is there and what is missing; a clang counts only if it knows wasm32-wasi and finds wasm-ld. */
async function probe(): Promise<{ toolchain?: Toolchain; missing: Part[] }> {
  const missing: Part[] = [];
  let clang: string | null = null;
  for (const name of ["clang-14", "clang"]) {
    const path = await which(name);
    if (!path) continue;
    const out = await run(path, ["--target=wasm32-wasi", "-print-targets"]).catch(() => null);
    if (out && /\bwasm32\b/.test(out.stdout)) { clang = path; break; }
  }
  if (!clang) return { missing: Object.keys(PACKAGES) as Part[] };
  const [ld, builtins] = await Promise.all([
    run(clang, ["-print-prog-name=wasm-ld"]).then((r) => r.stdout.trim()),
    run(clang, ["--target=wasm32-wasi", "-rtlib=compiler-rt", "-print-libgcc-file-name"]).then((r) => r.stdout.trim()),
  ]);
  if (!ld.includes("/") ? !(await which(ld)) : !existsSync(ld)) missing.push("wasm-ld");
  const sysroot = SYSROOTS.find((s) => existsSync(s.libc));
  if (!sysroot) missing.push("wasi-libc sysroot");
  if (!existsSync(builtins)) missing.push("compiler-rt builtins for wasm32");
  return missing.length ? { missing } : { toolchain: { clang, sysroot: sysroot!.sysroot }, missing };
}

/** Runs a command with its output on our stderr: stdout stays clean for callers printing `--json`. */
function spawnInherit(cmd: string, args: string[], log: (line: string) => void): Promise<void> {
  log(`$ ${cmd} ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", process.stderr, process.stderr], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}`))));
  });
}

/** Finds clang + wasi-libc; installs the missing Debian packages when running as root. */
async function toolchain(log: (line: string) => void): Promise<Toolchain> {
  const first = await probe();
  if (first.toolchain) return first.toolchain;
  const packages = [...new Set(first.missing.map((part) => PACKAGES[part]))];
  const what = first.missing.join(", ");
  if (process.getuid?.() !== 0 || !(await which("apt-get"))) {
    throw new Error(
      `c-hello: cannot build handler.c: missing ${what}.\n` +
        `Install them (Debian/Ubuntu) with: sudo apt-get install -y --no-install-recommends ${packages.join(" ")}\n` +
        `(or put a clang with the wasm32-wasi target and wasm-ld on PATH and a wasi-libc sysroot in ${SYSROOTS[1].sysroot}).`,
    );
  }
  log(`missing ${what}: installing ${packages.join(" ")}`);
  const policy = await run("apt-cache", ["policy", ...packages]).catch(() => ({ stdout: "" }));
  if (/Candidate: \(none\)/.test(policy.stdout) || !policy.stdout.includes("Candidate:")) {
    await spawnInherit("apt-get", ["update"], log);
  }
  await spawnInherit("apt-get", ["install", "-y", "--no-install-recommends", ...packages], log);
  const second = await probe();
  if (second.toolchain) return second.toolchain;
  throw new Error(`c-hello: still missing ${second.missing.join(", ")} after installing ${packages.join(" ")}`);
}

/** world.wit plus deps/<pkg>/package.wit at WASI_VERSION (the build's shared materialiser). */
const witDir = () => materializeWit(CACHE, join(here, "world.wit"), WASI_VERSION);

async function upToDate(): Promise<boolean> {
  const out = await stat(OUTPUT).catch(() => null);
  if (!out) return false;
  for (const src of SOURCES) if ((await stat(src)).mtimeMs > out.mtimeMs) return false;
  return true;
}

async function step<T>(log: (line: string) => void, name: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  const result = await fn();
  log(`  ${name.padEnd(10)} ${(performance.now() - t).toFixed(1).padStart(7)} ms`);
  return result;
}

let building: Promise<string> | undefined;

/** Builds dist/c-hello.wasm unless it is newer than handler.c, world.wit and this script; returns its path. */
export function buildCComponent(opts: BuildCOptions = {}): Promise<string> {
  building ??= build(opts).finally(() => (building = undefined));
  return building;
}

async function build(opts: BuildCOptions): Promise<string> {
  const log = opts.log ?? ((line: string) => console.log(line));
  if (!opts.force && (await upToDate())) {
    log(`c-hello: ${OUTPUT} is up to date`);
    return OUTPUT;
  }
  const started = performance.now();
  log("c-hello: building");
  const tc = await step(log, "toolchain", () => toolchain(log));
  log(`  (${tc.clang}, wasi-libc ${tc.sysroot ? `in ${tc.sysroot}` : "from clang's default paths"})`);
  const coreFile = join(CACHE, `c-hello.core.${process.pid}.tmp`); // renamed to c-hello.core.wasm (kept for inspection)
  await mkdir(CACHE, { recursive: true });
  await step(log, "compile", () =>
    run(tc.clang, [
      "--target=wasm32-wasi", ...(tc.sysroot ? [`--sysroot=${tc.sysroot}`] : []), "-O2", "-Wall", "-Wextra", "-Werror",
      // A reactor: no main/_start, so no preview1 args/exit imports; exports come from export_name.
      "-mexec-model=reactor", "-Wl,--strip-debug",
      "-o", coreFile, join(here, "handler.c"),
    ]),
  );
  const core = new Uint8Array(await readFile(coreFile));
  await rename(coreFile, join(CACHE, "c-hello.core.wasm"));
  const preview1 = WebAssembly.Module.imports(new WebAssembly.Module(core)).filter((i) => i.module === "wasi_snapshot_preview1");
  const jco = await step(log, "load jco", loadJco);
  const wit = await step(log, "wit", witDir);
  const embedded = await step(log, "embed", () =>
    // No producers metadata of ours: clang already records `language: C99` and `processed-by: clang`.
    jco.componentEmbed({ binary: core, witPath: wit, world: WORLD, stringEncoding: "utf8" }),
  );
  const component = await step(log, "new", async () => {
    // handler.c avoids libc calls that need WASI preview 1; if one slips in, jco's reactor adapter maps it onto preview 2.
    if (!preview1.length) return jco.componentNew(embedded);
    log(`  (uses ${preview1.map((i) => i.name).join(", ")} from wasi_snapshot_preview1: adding the reactor adapter)`);
    const adapter = new Uint8Array(await readFile(jco.preview1AdapterReactorPath()));
    return jco.componentNew(embedded, [["wasi_snapshot_preview1", adapter]]);
  });
  await mkdir(dirname(OUTPUT), { recursive: true });
  const tmp = `${OUTPUT}.${process.pid}.tmp`;
  await writeFile(tmp, component);
  await rename(tmp, OUTPUT);
  log(`c-hello: wrote ${OUTPUT} (${component.byteLength} bytes, core module ${core.byteLength} bytes) in ${(performance.now() - started).toFixed(0)} ms`);
  return OUTPUT;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  buildCComponent({ force: process.argv.includes("--force") }).catch((err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  });
}
