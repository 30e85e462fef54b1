// npm's postinstall: fills the machine's caches (core/machine-cache.ts) so that the first `outpost build`
// after `npm install` takes ~1 s and the first region to run a JS app finds its glue: builds a minimal app
// (sdk/build/prepare.ts), then has the runtime read that component's shape (jco's glue for every JS app
// of this toolchain). Never fails the install: a problem here only means that the first build or region
// does this work itself, so it is reported and the exit code stays 0. The compile cache is on first, so
// the modules used are also compiled once for the CLI that runs next.
(await import("../runtime/compile-cache.js")).useCompileCache();
const { readFile } = await import("node:fs/promises");
const { prepareMachine } = await import("../sdk/build/prepare.ts");
const { compileComponent } = await import("../runtime/component.ts");

const started = performance.now();
try {
  const result = await prepareMachine({
    then: async (built, cacheDir) => { await compileComponent(await readFile(built.wasmPath), { cacheDir, moduleFiles: false }); },
  });
  const made = result.wrapper === "made" || result.engine === "spliced";
  process.stdout.write(`outpost: build caches ${made ? "prepared" : "already prepared"} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
} catch (err) {
  process.stderr.write(`outpost: could not prepare the build caches (the first build will): ${(err as Error).message}\n`);
}
