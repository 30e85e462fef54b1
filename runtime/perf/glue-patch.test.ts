// Tests runtime/perf/glue-patch.ts on the glue jco really generates for the example app (every sync
// host import gets the fast path, nothing is skipped, the module still loads, the rewrite is stable),
// and on a hand-made trampoline (the returned value is the one the task was resolved with; a shape it
// does not know is left alone).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transpile } from "@bytecodealliance/jco";
import { ASYNC_EXPORTS, SUSPENDING_IMPORTS } from "../host/index.ts";
import { validateComponent } from "../../core/component/validate.ts";
import { patchGlueText } from "./glue-patch.ts";
import { tempDir } from "../../testkit/temp.ts";

const real = join(import.meta.dirname, "..", "..", "dist", "hello.wasm");

/** One sync trampoline and its wiring, in the shape jco 1.35 emits, around a host function `host`. */
function miniGlue(opts: { resolveWith: string; returnLine?: string; oddShape?: boolean }): string {
  const taskRegion = opts.oddShape ? "    const hostProvided = true;\n    let task = makeTask();\n    const started = task.enterSync();\n" : `    const hostProvided = true;
    
    let parentTask;
    let task;
    let subtask;
    
    const createTask = () => {
      const results = createNewCurrentTask({
        componentIdx: -1,
        isAsync: false,
        entryFnName: 'now',
        getCallbackFn: () => null,
        callbackFnName: null,
        errHandling: 'none',
        callingWasmExport: false,
      });
      task = results[0];
    };
    
    taskCreation: {
      parentTask = getCurrentTask(
      0,
      _getGlobalCurrentTaskMeta(0)?.taskID,
      )?.task;
      
      if (!parentTask) {
        createTask();
        break taskCreation;
      }
      
      createTask();
      
      if (hostProvided) {
        subtask = parentTask.getLatestSubtask();
        if (!subtask) {
          throw new Error(\`Missing subtask (in parent task [\${parentTask.id()}]) for host import\`);
        }
        task.setParentSubtask(subtask);
      }
    }
    
    const started = task.enterSync();
`;
  return `"use components";
export function instantiate(host, calls) {
  const _debugLog = (...args) => {
    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
    console.debug(...args);
  };
  function _checkMayLeave(componentIdx) { calls.push("mayLeave " + componentIdx); }
  function _trackHostOperation(f) { return f(); }
  function _withGlobalCurrentTaskMeta(args) { calls.push("slow path"); return args.fn(); }
  function _lowerImportBackwardsCompat(args, ...params) { calls.push("slow path"); return args.importFn(...params); }
  function createNewCurrentTask() { const t = { enterSync() {}, resolve(r) { calls.push("resolved " + r[0]); }, exit() {}, componentIdx() { return -1; }, id() { return 1; }, setParentSubtask() {} }; return [t]; }
  function makeTask() { return createNewCurrentTask()[0]; }
  function getCurrentTask() { return undefined; }
  function _getGlobalCurrentTaskMeta() { return undefined; }
  const _trampoline6 = function(arg0) {
    _debugLog('[iface="x", function="now"] [Instruction::CallInterface] (sync, @ enter)', { side: calls.push("debug args built") });
${taskRegion}    let ret;
    try {
      ret = _withGlobalCurrentTaskMeta({
        componentIdx: task.componentIdx(),
        taskID: task.id(),
        fn: () => _trackHostOperation(() => host(arg0)),
      })
      ;
    } catch (err) {
      task.exit();
      throw err;
    }
    task.resolve([${opts.resolveWith}]);
    task.exit();${opts.returnLine ? `\n    ${opts.returnLine}` : ""}
  }
  _trampoline6.fnName = 'x#now';
  
  let trampoline6 = _trampoline6.manuallyAsync ? new WebAssembly.Suspending(_suspendingImport(0, _lowerImportBackwardsCompat.bind(
  null,
  {
    componentIdx: 0,
    isAsync: false,
    funcTypeIsAsync: false,
    importFn: _trampoline6,
  },
  ))) : _lowerImportBackwardsCompat.bind(
  null,
  {
    componentIdx: 0,
    isAsync: false,
    funcTypeIsAsync: false,
    importFn: _trampoline6,
  },
  );
  return trampoline6;
}
`;
}

async function load(js: string): Promise<{ instantiate: (host: (x: number) => unknown, calls: string[]) => (x: number) => unknown }> {
  const dir = tempDir("outpost-glue-patch-");
  try {
    const file = join(dir, "glue.mjs");
    writeFileSync(file, js);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a sync trampoline skips the task machinery and returns what the task was resolved with", async () => {
  const { js, report } = patchGlueText(miniGlue({ resolveWith: "ret * 2", returnLine: "return ret * 2;" }));
  assert.equal(report, { fastImports: 1, skipped: [], debugLogsGuarded: 1 });
  const calls: string[] = [];
  const f = (await load(js)).instantiate((x) => x + 1, calls);
  assert.is(f(20), 42);
  assert.equal(calls, ["mayLeave 0"], "no task, no subtask, debug arguments not built");

  // no return statement (a result written through a pointer): the generated wrapper handed the core
  // module the value the task was resolved with, and so does the fast path
  const v = patchGlueText(miniGlue({ resolveWith: "ret" }));
  assert.equal((await load(v.js)).instantiate((x) => ({ tag: "ok", val: x }), [])(7), { tag: "ok", val: 7 });
});

test("a host exception still propagates out of the fast path", async () => {
  const { js } = patchGlueText(miniGlue({ resolveWith: "ret" }));
  const f = (await load(js)).instantiate(() => { throw new Error("host failed"); }, []);
  assert.throws(() => f(1), /host failed/);
});

test("a trampoline of another shape is left exactly as generated", async () => {
  const input = miniGlue({ resolveWith: "ret", oddShape: true });
  const { js, report } = patchGlueText(input);
  assert.equal(report.fastImports, 0);
  assert.equal(report.skipped, ["_trampoline6"]);
  assert.ok(js.includes("_lowerImportBackwardsCompat.bind(\n  null,\n  {\n    componentIdx: 0,\n    isAsync: false,\n    funcTypeIsAsync: false,\n    importFn: _trampoline6,\n  },\n  );"));
  const calls: string[] = [];
  (await load(js)).instantiate((x) => x, calls)(1);
  assert.ok(calls.includes("slow path"));
});

test("glue that is not jco's only gets nothing, and patching twice changes nothing more", () => {
  assert.is(patchGlueText("export const x = 1;\n").js, "export const x = 1;\n");
  const once = patchGlueText(miniGlue({ resolveWith: "ret" })).js;
  assert.is(patchGlueText(once).js, once);
});

test("the real glue of the example: every sync host import is fast, none skipped, it loads", async () => {
  if (!existsSync(real)) return console.log("  (skipped: run `node cli/bin.js build` to make dist/hello.wasm)");
  const bytes = readFileSync(real);
  const info = await validateComponent(bytes);
  const versioned = (iface: string, list: string[]) => list.find((i) => i.split("@")[0] === iface);
  const asyncImports = Object.entries(SUSPENDING_IMPORTS).flatMap(([iface, fns]) => { const v = versioned(iface, info.imports); return v ? fns.map((f) => `${v}#${f}`) : []; });
  const asyncExports = ASYNC_EXPORTS.flatMap((n) => { const [iface, f] = n.split("#"); const v = versioned(iface, info.exports); return v ? [`${v}#${f}`] : []; });
  const out = await transpile(bytes, { name: "component", instantiation: "async", asyncMode: "jspi", asyncImports, asyncExports, noTypescript: true, quiet: true });
  const generated = new TextDecoder().decode(out.files["component.js"] as Uint8Array);
  const syncTrampolines = generated.match(/^ {2}const _trampoline\d+ = function\(/gm)?.length ?? 0;
  const withSyncTask = generated.split("const started = task.enterSync();").length - 1;
  const { js, report } = patchGlueText(generated);
  console.log(`  real glue: ${syncTrampolines} sync trampolines, ${withSyncTask} with a host task; ${JSON.stringify({ ...report, skipped: report.skipped.length })}`);
  assert.is(report.skipped.length, 0, `skipped: ${report.skipped.join(", ")}`);
  assert.is(report.fastImports, withSyncTask);
  assert.ok(report.fastImports > 50);
  assert.is(js.split("_fastSyncImport.bind(").length - 1, report.fastImports);
  const glue = await load(js);
  assert.type(glue.instantiate, "function");
});

test.run();
