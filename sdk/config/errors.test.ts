// Tests for config errors: each kind of problem, with its exact field, line and message.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConfigErrors, parseConfig } from "./index.ts";
import { BASE, errorsOf, oneError, parseText } from "./test/test-project.ts";

test("TOML syntax error: smol-toml's line and column", () => {
  const e = oneError(`name = "app"\nmain = "src/index.ts"\nlimits = { cpu_ms = }\n`, null, 3, "invalid TOML");
  assert.is(e.column, 21);
  assert.match(e.message, /wrangler-like\.toml:3:21: invalid TOML: /);
});

test("missing name and missing main", () => {
  oneError(`main = "src/index.ts"\n`, "name", 1, "name: is required");
  oneError(`name = "app"\n`, "main", 1, "main: is required");
});

test("bad name", () => {
  const e = oneError(`\nname = "My_App"\nmain = "src/index.ts"\n`, "name", 2, 'got "My_App"');
  assert.is(e.column, 1);
  oneError(`name = "${"a".repeat(64)}"\nmain = "src/index.ts"\n`, "name", 1, "1-63 lowercase");
  oneError(`name = 7\nmain = "src/index.ts"\n`, "name", 1, "got 7");
});

test("main file missing, or not a script", () => {
  const e = oneError(`name = "app"\nmain = "src/missing.ts"\n`, "main", 2, 'entry file "src/missing.ts" not found');
  assert.is(e.column, 1);
  oneError(`name = "app"\nmain = "src/index.py"\n`, "main", 2, "must be a path to a .ts, .js, .mts, .mjs file");
  // checkFiles: false skips the disk check.
  const c = parseConfig(`name = "app"\nmain = "nowhere.ts"\n`, "/virtual/wrangler-like.toml", { checkFiles: false });
  assert.is(c.main, "/virtual/nowhere.ts");
});

test("bad compatibility_date", () => {
  oneError(`${BASE}compatibility_date = "next tuesday"\n`, "compatibility_date", 3, 'must be a date as "YYYY-MM-DD", got "next tuesday"');
  oneError(`${BASE}compatibility_date = "2026-02-30"\n`, "compatibility_date", 3, "must be a real calendar date");
  oneError(`${BASE}compatibility_date = 2026-02-30\n`, null, 3, "invalid TOML");
  assert.is(parseText(`${BASE}compatibility_date = 2026-02-28\n`).compatibilityDate, "2026-02-28");
});

test("bad cron: the error names the entry's index and line", () => {
  const e = oneError(
    `${BASE}[triggers]\ncrons = [\n  "*/5 * * * *",\n  "61 * * * *",\n]\n`,
    "triggers.crons[1]",
    6,
    'invalid cron expression "61 * * * *"',
  );
  assert.is(e.column, 3);
});

test("limits: out of range and wrong type", () => {
  const errors = errorsOf(`${BASE}[limits]\ncpu_ms = "fast"\nmemory_mb = 8192\nsubrequests = 1.5\n`);
  assert.equal(
    errors.map((e) => [e.field, e.line]),
    [["limits.cpu_ms", 4], ["limits.memory_mb", 5], ["limits.subrequests", 6]],
  );
  assert.ok(errors[0].message.endsWith(`wrangler-like.toml:4:1: limits.cpu_ms: must be an integer from 1 to 300000, got "fast"`));
  assert.ok(errors[1].message.endsWith("limits.memory_mb: must be an integer from 1 to 4096, got 8192"));
  oneError(`${BASE}limits = { subrequests = -1 }\n`, "limits.subrequests", 3, "from 0 to 10000, got -1");
  oneError(`${BASE}limits = 5\n`, "limits", 3, "must be a table, got 5");
});

test("unknown keys, with the closest known key suggested", () => {
  oneError(`${BASE}kv_namespace = []\n`, "kv_namespace", 3, "unknown field `kv_namespace`, did you mean `kv_namespaces`?");
  oneError(`${BASE}rout = "a.com/*"\n`, "rout", 3, "did you mean `route`?");
  oneError(`${BASE}[limits]\ncpu-ms = 5\n`, "limits.cpu-ms", 4, "did you mean `cpu_ms`?");
  oneError(`${BASE}[[kv_namespaces]]\nbinding = "KV"\nidd = "x"\n`, "kv_namespaces[0].idd", 5, "did you mean `id`?");
  oneError(`${BASE}colour = "red"\n`, "colour", 3, "expected one of: name, main");
});

test("duplicate binding names across vars, secrets, kv and queues", () => {
  oneError(
    `${BASE}secrets = ["TOKEN"]\n[vars]\nTOKEN = "x"\n`,
    "secrets[0]",
    3,
    'binding name "TOKEN" is already used by vars.TOKEN',
  );
  oneError(
    `${BASE}[[kv_namespaces]]\nbinding = "JOBS"\n[queues]\nproducers = [{ binding = "JOBS", queue = "jobs" }]\n`,
    "queues.producers[0].binding",
    6,
    "already used by kv_namespaces[0].binding",
  );
});

test("bad binding in the second [[kv_namespaces]] entry points at that entry", () => {
  const toml = `${BASE}\n[[kv_namespaces]]\nbinding = "GOOD"\n\n[[kv_namespaces]]\nid = "x"\nbinding = "not-valid"\n`;
  const e = oneError(toml, "kv_namespaces[1].binding", 9, 'must be an identifier (letters, digits and _, not starting with a digit), got "not-valid"');
  assert.is(e.column, 1);
  // A missing binding points at the entry's header.
  oneError(`${BASE}[[kv_namespaces]]\nbinding = "A"\n[[kv_namespaces]]\nid = "x"\n`, "kv_namespaces[1].binding", 5, "is required");
});

test("bad env overrides", () => {
  oneError(`${BASE}[env.staging]\nname = "app-staging"\n[env.staging.limits]\ncpu_ms = 0\n`, "env.staging.limits.cpu_ms", 6, "from 1 to 300000, got 0");
  oneError(`${BASE}[env.staging]\ncpu_ms = 5\n`, "env.staging.cpu_ms", 4, "unknown field `cpu_ms`");
  oneError(`${BASE}[env.staging.env.inner]\nname = "x"\n`, "env.staging.env", 3, "cannot be nested");
  oneError(`${BASE}[env.Staging]\n`, "env.Staging", 3, 'derived name "app-Staging" is not valid');
  oneError(`${BASE}[env.staging]\nmain = "src/other.ts"\n`, "env.staging.main", 4, "not found");
  // Errors in envs are reported even when the top level is selected.
  const errors = errorsOf(`${BASE}[env.a]\nregions = []\n[env.b]\nvars = 3\n`);
  assert.equal(errors.map((e) => e.field), ["env.a.regions", "env.b.vars"]);
});

test("an env can create a duplicate binding with an inherited one", () => {
  oneError(`${BASE}secrets = ["KEY"]\n[env.dev]\nvars = { KEY = "x" }\n`, "secrets[0]", 3, "already used by env.dev.vars.KEY");
});

test("selecting an env that does not exist", () => {
  oneError(`${BASE}[env.staging]\n`, "env", 3, 'no environment named "prod" (defined: staging)', { env: "prod" });
});

test("queues: consumer ranges and dead-letter queue", () => {
  const errors = errorsOf(
    `${BASE}[[queues.consumers]]\nqueue = "jobs"\nmax_batch_timeout = 61\nmax_retries = 101\ndead_letter_queue = "jobs"\n`,
  );
  assert.equal(
    errors.map((e) => `${e.line} ${e.field}`),
    ["5 queues.consumers[0].max_batch_timeout", "6 queues.consumers[0].max_retries", "7 queues.consumers[0].dead_letter_queue"],
  );
});

test("all errors in one pass, in source order, one per line of the message", () => {
  const toml = `name = "Bad Name"\nmain = "src/nope.ts"\ncompatibility_date = "2026-13-01"\n[limits]\ncpu_ms = 0\n`;
  let thrown: unknown;
  try {
    parseConfig(toml, "wrangler-like.toml");
  } catch (err) {
    thrown = err;
  }
  assert.instance(thrown, ConfigErrors);
  const err = thrown as ConfigErrors;
  assert.equal(err.errors.map((e) => e.line), [1, 2, 3, 5]);
  const lines = err.message.split("\n");
  assert.is(lines[0], "wrangler-like.toml: 4 problems in config");
  assert.is(lines[4], "wrangler-like.toml:5:1: limits.cpu_ms: must be an integer from 1 to 300000, got 0");
  assert.is(err.errors[0].file, "wrangler-like.toml");
});

test.run();
