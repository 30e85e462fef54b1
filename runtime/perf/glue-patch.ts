// Rewrites the JS glue jco 1.35 generates (JSPI mode) so a call from the guest to a synchronous host
// import skips the Component Model async-task bookkeeping, and debug-log arguments are not built when
// debugging is off. Every rewrite checks the exact shape it expects and leaves anything else alone.
//
// Why: each guest → host call went through `_lowerImportBackwardsCompat` (an AsyncTask for the guest
// when none was current, an AsyncSubtask with a Waitable and a promise) and the trampoline (a second
// AsyncTask for the host side, entered, resolved and exited). The glue defines those classes inside
// `instantiate()`, so every instance has its own classes and private names, and the V8 inline caches
// they share become megamorphic as soon as a process has more than one instance. StarlingMonkey calls
// `monotonic-clock.now` ~40 times per request, so this was most of the glue's per-request cost.
//
// For a synchronous import (not listed as async, no async types) none of it is observable: the host
// function runs to completion before the trampoline returns, the subtask is created and resolved
// inside the same call, and the host task is pushed and popped around it. What stays: the may-leave
// check, resource-handle lifting and lowering, borrow release, result lowering, trap marking on a
// host exception, and the value returned to the core module (the one `task.resolve` was given).

/** Part of the glue's file name in the transpile cache: bump it whenever the output of this file changes. */
export const GLUE_PATCH_VERSION = "p1";

export interface GluePatchReport {
  /** Sync import trampolines now called without task bookkeeping. */
  fastImports: number;
  /** Sync trampolines found but left as generated (shape not recognised), by name. */
  skipped: string[];
  /** `_debugLog(...)` statements guarded so their arguments are only built when debugging. */
  debugLogsGuarded: number;
}

const DEBUG_FLAG = "const __jcoDebug = !!globalThis?.process?.env?.JCO_DEBUG;";
const TASK_START = "    const hostProvided = true;\n";
const TASK_END = "    const started = task.enterSync();\n";
const TASK_REGION = /^    const hostProvided = true;\n    \n    let parentTask;\n    let task;\n    let subtask;\n    \n    const createTask = \(\) => \{\n      const results = createNewCurrentTask\(\{\n        componentIdx: -1,\n        isAsync: false,\n        entryFnName: '[^'\n]*',\n        getCallbackFn: \(\) => null,\n        callbackFnName: null,\n        errHandling: '[a-z-]+',\n        callingWasmExport: false,\n      \}\);\n      task = results\[0\];\n    \};\n    \n    taskCreation: \{\n      parentTask = getCurrentTask\(\n      0,\n      _getGlobalCurrentTaskMeta\(0\)\?\.taskID,\n      \)\?\.task;\n      \n      if \(!parentTask\) \{\n        createTask\(\);\n        break taskCreation;\n      \}\n      \n      createTask\(\);\n      \n      if \(hostProvided\) \{\n        subtask = parentTask\.getLatestSubtask\(\);\n        if \(!subtask\) \{\n          throw new Error\(`[^`]*`\);\n        \}\n        task\.setParentSubtask\(subtask\);\n      \}\n    \}\n    \n    const started = task\.enterSync\(\);\n$/;
const TAIL = /\n    task\.resolve\(\[(.*)\]\);\n    task\.exit\(\);(?=\n|$)/g;

/**
 * Helpers inserted next to the import wiring (inside `instantiate`, where `_checkMayLeave` lives).
 * `_FAST_HOST_TASK` stands in for the host-side task in the patched trampolines: their error paths
 * and debug lines still call `task.*`, which are no-ops here.
 */
const HELPERS = `
  const _FAST_HOST_TASK = {
    componentIdx() { return -1; }, id() { return 0; }, getParentSubtask() { return undefined; },
    setErrored() {}, reject() {}, exit() {}, resolve() {},
  };
  const _fastHostCall = (args) => args.fn();
  function _fastSyncImport(args, ...params) {
    _checkMayLeave(args.componentIdx);
    return args.importFn(...params);
  }
`;

function countOf(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

/** The trampoline body without its host task; null when the body is not the expected shape. */
function fastBody(body: string): string | null {
  if (countOf(body, TASK_START) !== 1 || countOf(body, TASK_END) !== 1) return null;
  const start = body.indexOf(TASK_START);
  const end = body.indexOf(TASK_END) + TASK_END.length;
  if (!TASK_REGION.test(body.slice(start, end))) return null;
  if (countOf(body, "_withGlobalCurrentTaskMeta({") !== 1 || countOf(body, "task.resolve(") !== 1) return null;
  const tails = body.match(TAIL);
  if (!tails || tails.length !== 1) return null;
  return (body.slice(0, start) + "    const task = _FAST_HOST_TASK;\n    const started = true;\n" + body.slice(end))
    .replace("_withGlobalCurrentTaskMeta({", "_fastHostCall({")
    .replace(TAIL, (_m, value: string) => `\n    return ${value.trim() === "" ? "undefined" : value};`);
}

/** Sends the sync branch of `let trampolineN = ...` to `_fastSyncImport`; null when not as expected. */
function fastWiring(js: string, n: string): string | null {
  const head = `\n  let trampoline${n} = _trampoline${n}.manuallyAsync ? new WebAssembly.Suspending(`;
  const at = js.indexOf(head);
  if (at < 0 || js.indexOf(head, at + 1) >= 0) return null;
  const sync = "))) : _lowerImportBackwardsCompat.bind(\n  null,\n  {\n";
  const s = js.indexOf(sync, at);
  const e = s < 0 ? -1 : js.indexOf("\n  },\n  );", s);
  const next = js.indexOf("\n  let trampoline", at + head.length);
  if (s < 0 || e < 0 || (next >= 0 && e > next)) return null;
  const spec = js.slice(s + sync.length, e);
  if (!spec.includes("\n    isAsync: false,") || !spec.includes("\n    funcTypeIsAsync: false,") || !spec.includes(`\n    importFn: _trampoline${n},`)) return null;
  return js.slice(0, s) + sync.replace("_lowerImportBackwardsCompat", "_fastSyncImport") + js.slice(s + sync.length);
}

/** Guards `_debugLog(...)` statements (ones that start a line after a statement boundary). */
function guardDebugLogs(js: string): { js: string; count: number } {
  const lines = js.split("\n");
  let count = 0;
  let prev = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trimStart();
    if (trimmed.startsWith("_debugLog(") && /[;{})]$/.test(prev)) {
      lines[i] = line.slice(0, line.length - trimmed.length) + "__jcoDebug && " + trimmed;
      count++;
    }
    const t = line.trim();
    if (t !== "" && !t.startsWith("//")) prev = t;
  }
  return { js: lines.join("\n"), count };
}

export function patchGlueText(input: string): { js: string; report: GluePatchReport } {
  const report: GluePatchReport = { fastImports: 0, skipped: [], debugLogsGuarded: 0 };
  // jco's glue reads process.env.JCO_DEBUG on every call: read it once per module instead.
  let js = input.includes(DEBUG_FLAG) ? input : input.replace("\"use components\";", `"use components";\n${DEBUG_FLAG}`);
  js = js.replaceAll("if (!globalThis?.process?.env?.JCO_DEBUG) { return; }", "if (!__jcoDebug) { return; }");
  if (!js.includes(DEBUG_FLAG)) return { js, report }; // not the glue this was written for: only the env patch

  const trampoline = /^  const _trampoline(\d+) = function\([^)]*\) \{\n([\s\S]*?)\n  \}\n  _trampoline\1\.fnName = /gm;
  const edits: Array<{ n: string; from: number; to: number; body: string }> = [];
  for (const m of js.matchAll(trampoline)) {
    const [, n, body] = m;
    if (!body.includes(TASK_END)) continue; // not a host import with a sync task
    if (js.includes(`\n  _trampoline${n}.manuallyAsync = true;`)) continue;
    const fast = fastBody(body);
    if (!fast) { report.skipped.push(`_trampoline${n}`); continue; }
    const from = m.index! + m[0].indexOf("\n") + 1;
    edits.push({ n, from, to: from + body.length, body: fast });
  }
  const wiringAt = js.search(/\n  let trampoline\d+ = _trampoline\d+\.manuallyAsync \? /);
  if (edits.length && wiringAt >= 0) {
    // bodies first, from the end so earlier offsets stay valid
    for (const e of edits.reverse()) js = js.slice(0, e.from) + e.body + js.slice(e.to);
    for (const e of edits.reverse()) {
      const wired = fastWiring(js, e.n);
      // a body without its task must not be called through the task machinery: undo the pair
      if (!wired) { report.skipped.push(`_trampoline${e.n}`); continue; }
      js = wired;
      report.fastImports++;
    }
    if (report.skipped.length) js = restoreSkipped(js, input, report.skipped);
    const at = js.search(/\n  let trampoline\d+ = _trampoline\d+\.manuallyAsync \? /);
    js = js.slice(0, at) + "\n" + HELPERS + js.slice(at);
  }
  const guarded = guardDebugLogs(js);
  report.debugLogsGuarded = guarded.count;
  return { js: guarded.js, report };
}

/** Puts back the generated body of trampolines whose wiring could not be rewritten. */
function restoreSkipped(js: string, original: string, names: string[]): string {
  for (const name of names) {
    const block = (src: string) => {
      const re = new RegExp(`^  const ${name} = function\\([^)]*\\) \\{\\n[\\s\\S]*?\\n  \\}\\n  ${name}\\.fnName = `, "m");
      const m = re.exec(src);
      return m ? { at: m.index, text: m[0] } : null;
    };
    const now = block(js);
    const was = block(original);
    if (now && was && now.text !== was.text) js = js.slice(0, now.at) + was.text + js.slice(now.at + now.text.length);
  }
  return js;
}
