// npm's postinstall: fills the machine's build caches (sdk/build/prepare.ts) so that the first
// `outpost build` after `npm install` takes ~1 s. Never fails the install: a problem here only means
// that the first build does this work itself, so it is reported and the exit code stays 0. The compile
// cache is on first, so the build's modules are also compiled once for the CLI that runs next.
(await import("../runtime/compile-cache.js")).useCompileCache();
const { prepareMachine } = await import("../sdk/build/prepare.ts");

const started = performance.now();
try {
  const result = await prepareMachine();
  const made = result.wrapper === "made" || result.engine === "spliced";
  process.stdout.write(`outpost: build caches ${made ? "prepared" : "already prepared"} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
} catch (err) {
  process.stderr.write(`outpost: could not prepare the build caches (the first build will): ${(err as Error).message}\n`);
}
