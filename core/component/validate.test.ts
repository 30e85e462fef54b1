// Tests core/component/validate.ts on tiny components made from WIT with jco (componentEmbed --dummy +
// componentNew), on a core module, on garbage, and on a real JavaScript component from `outpost build`.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadJco } from "../../sdk/build/toolchain.ts"; // jco with the filesystem preopened, to read WIT
import { witDir, OUTPOST_WIT } from "../../sdk/build/wit.ts";
import { ALLOWED_IMPORTS, ComponentError, checkWorld, parseInterfaceName, validateComponent } from "./validate.ts";
import { tempDir } from "../../testkit/temp.ts";

const tmp = tempDir("outpost-validate-");
const deps = join(tmp, "deps");
cpSync(join(await witDir(join(tmp, "cache")), "deps"), deps, { recursive: true });
mkdirSync(join(deps, "outpost"));
cpSync(OUTPOST_WIT, join(deps, "outpost", "outpost.wit"));
let worlds = 0;

/** Makes a component whose world has the given items (dummy core module, no real code). */
async function component(items: string): Promise<Uint8Array> {
  const jco = await loadJco();
  const dir = join(tmp, `w${worlds++}`);
  mkdirSync(dir);
  cpSync(deps, join(dir, "deps"), { recursive: true });
  writeFileSync(join(dir, "world.wit"), `package test:w;\nworld w { ${items} }\n`);
  const core = await jco.componentEmbed({ witPath: dir, dummy: true, world: "test:w/w" });
  return jco.componentNew(core, []);
}

async function refusal(bytes: Uint8Array): Promise<ComponentError> {
  try {
    await validateComponent(bytes);
  } catch (err) {
    assert.instance(err, ComponentError);
    return err as ComponentError;
  }
  throw new Error("expected validateComponent to refuse the component");
}

test("accepts a proxy-world component using Outpost's imports", async () => {
  const bytes = await component(
    "import wasi:http/outgoing-handler@0.2.10; import outpost:edge/kv@0.1.0; import wasi:cli/environment@0.2.10; export wasi:http/incoming-handler@0.2.10;",
  );
  const info = await validateComponent(bytes);
  assert.ok(info.imports.includes("wasi:http/outgoing-handler@0.2.10"));
  assert.ok(info.imports.includes("outpost:edge/kv@0.1.0"));
  assert.ok(info.imports.includes("wasi:io/poll@0.2.10"), "dependencies are listed too");
  assert.equal(info.exports, ["wasi:http/incoming-handler@0.2.10"]);
});

test("refuses sockets and names every offending import", async () => {
  const err = await refusal(await component("import wasi:sockets/tcp@0.2.10; export wasi:http/incoming-handler@0.2.10;"));
  assert.is(err.code, "forbidden-import");
  assert.equal([...err.offending].sort(), ["wasi:sockets/network@0.2.10", "wasi:sockets/tcp@0.2.10"]);
  assert.match(err.message, "imports wasi:sockets/tcp@0.2.10, which Outpost does not grant: components may not open sockets; use fetch()");
  assert.match(err.message, "wasi:sockets/network@0.2.10");
});

test("refuses a bare function import", async () => {
  const err = await refusal(await component("import now: func() -> u64; export wasi:http/incoming-handler@0.2.10;"));
  assert.equal(err.offending, ["now"]);
  assert.match(err.message, "imports now, a bare function");
});

test("refuses a component without an incoming-handler export", async () => {
  const err = await refusal(await component("import wasi:http/types@0.2.10; export outpost:edge/scheduled-handler@0.1.0;"));
  assert.is(err.code, "no-handler");
  assert.match(err.message, "does not export wasi:http/incoming-handler@0.2.x (it exports outpost:edge/scheduled-handler@0.1.0)");
});

test("refuses a core module with the command that wraps it", async () => {
  const jco = await loadJco();
  const err = await refusal(await jco.parse(`(module (memory (export "memory") 1))`));
  assert.is(err.code, "core-module");
  assert.match(err.message, "this is a core wasm module, not a component; wrap it with `jco new`");
});

test("refuses bytes that are not wasm", async () => {
  const err = await refusal(new TextEncoder().encode("<html>not found</html>"));
  assert.is(err.code, "not-wasm");
  assert.match(err.message, "not a WebAssembly binary");
  const truncated = await refusal(new Uint8Array([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0, 0x0a, 0xff]));
  assert.match(truncated.message, "not a valid WebAssembly component");
});

test("matches versions by major.minor", () => {
  assert.equal(parseInterfaceName("wasi:io/poll@0.2.12"), { key: "wasi:io/poll", majorMinor: "0.2", version: "0.2.12" });
  checkWorld({ imports: ["wasi:io/poll@0.2.0", "wasi:io/poll@0.2.99", "outpost:edge/log@0.1.3"], exports: ["wasi:http/incoming-handler@0.2.3"] });
  assert.throws(
    () => checkWorld({ imports: ["wasi:io/poll@0.3.0", "wasi:io/streams"], exports: ["wasi:http/incoming-handler@0.2.3"] }),
    (err: ComponentError) =>
      err.offending.length === 2 && err.message.includes("Outpost serves wasi:io/poll@0.2.x, this has version 0.3.0") && err.message.includes("this has no version"),
  );
  assert.throws(() => checkWorld({ imports: [], exports: ["wasi:http/incoming-handler@0.3.0"] }), /does not export/);
  checkWorld({ imports: ["wasi:logging/logging@0.1.0"], exports: ["wasi:http/incoming-handler@0.2.0"] }, { allow: ["wasi:logging/logging@0.1"] });
});

test("the allow-list is data: every group present, no duplicates", () => {
  const names = ALLOWED_IMPORTS.map((a) => a.name);
  assert.is(new Set(names).size, names.length);
  for (const group of ["proxy", "inert", "outpost"]) assert.ok(ALLOWED_IMPORTS.some((a) => a.group === group));
});

// The import list of a componentize-js 0.23 component (the engine adapter brings wasi@0.2.12).
const JS_IMPORTS = [
  "outpost:edge/config@0.1.0", "outpost:edge/kv@0.1.0", "outpost:edge/queue@0.1.0", "outpost:edge/log@0.1.0",
  "outpost:edge/intl@0.1.0", "outpost:edge/url-pattern@0.1.0", "outpost:edge/crypto@0.1.0",
  "wasi:io/poll@0.2.12", "wasi:clocks/monotonic-clock@0.2.12", "wasi:io/error@0.2.12", "wasi:io/streams@0.2.12",
  "wasi:http/types@0.2.10", "wasi:http/outgoing-handler@0.2.10", "wasi:cli/stdin@0.2.12", "wasi:cli/stdout@0.2.12",
  "wasi:cli/stderr@0.2.12", "wasi:cli/terminal-input@0.2.12", "wasi:cli/terminal-output@0.2.12",
  "wasi:cli/terminal-stdin@0.2.12", "wasi:cli/terminal-stdout@0.2.12", "wasi:cli/terminal-stderr@0.2.12",
  "wasi:clocks/wall-clock@0.2.12", "wasi:filesystem/types@0.2.12", "wasi:filesystem/preopens@0.2.12", "wasi:random/random@0.2.12",
];

test("accepts the import list of a JavaScript component", () => {
  checkWorld({ imports: JS_IMPORTS, exports: ["outpost:edge/scheduled-handler@0.1.0", "outpost:edge/queue-handler@0.1.0", "wasi:http/incoming-handler@0.2.10"] });
});

// A real component, when the build tests have produced one (sdk/build/build.test.ts builds this fixture).
const built = join(import.meta.dirname, "..", "sdk", "build", "fixtures", "hello", "dist", "hello.wasm");
test("accepts a real JavaScript component", async () => {
  if (!existsSync(built)) {
    console.log(`  (skipped the real component: ${built} is built by sdk/build/build.test.ts)`);
    return;
  }
  const info = await validateComponent(readFileSync(built));
  assert.is(info.language, "JavaScript");
  assert.equal([...info.imports].sort(), [...JS_IMPORTS].sort());
  assert.ok(info.exports.includes("wasi:http/incoming-handler@0.2.10"));
});

test.run();
