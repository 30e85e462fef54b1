// Tests for parseConfig/loadConfig on valid configs: every field, env inheritance, defaults, loading.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConfigErrors, DEFAULT_LIMITS, loadConfig, parseConfig } from "./index.ts";
import { BASE, oneError, parseText, project } from "./test/test-project.ts";

const FULL = `# every field
name = "shop-api"
main = "src/index.ts"
compatibility_date = "2026-06-01"
routes = [
  "shop.example.com/api/*",
  { pattern = "*.shop.example.com/*", zone_name = "example.com" },
]
secrets = ["STRIPE_KEY", "DB_PASSWORD"]
regions = ["eu-west", "us-east"]

[vars]
API_BASE = "https://api.example.com"
RETRIES = 3
RATIO = 0.5
DEBUG = false
TAGS = ["a", "b"]
FEATURES = { search = true, depth = 2 }
LAUNCHED = 2026-01-15

[[kv_namespaces]]
binding = "CACHE"
id = "cache-prod"

[[kv_namespaces]]
binding = "SESSIONS"

[queues]
producers = [{ binding = "ORDERS", queue = "orders" }]

[[queues.consumers]]
queue = "orders"
max_batch_size = 50
dead_letter_queue = "orders-dlq"

[[queues.consumers]]
queue = "emails"

[triggers]
crons = ["*/5 * * * *", "0 3 * * mon"]

[limits]
cpu_ms = 100
memory_mb = 256

[env.staging]
routes = ["staging.example.com/*"]
vars = { API_BASE = "https://staging.example.com" }

[env.staging.limits]
cpu_ms = 500

[env.production]
name = "shop"
`;

test("full config: every field resolves at the top level", () => {
  const file = project(FULL);
  const c = parseConfig(FULL, file);
  assert.is(c.file, file);
  assert.is(c.dir, dirname(file));
  assert.is(c.name, "shop-api");
  assert.is(c.main, join(dirname(file), "src/index.ts"));
  assert.is(c.compatibilityDate, "2026-06-01");
  assert.is(c.env, null);
  assert.equal(c.routes, [
    { pattern: "shop.example.com/api/*", host: "shop.example.com", hostWildcard: false, pathPrefix: "/api/", pathExact: false, zoneName: null },
    { pattern: "*.shop.example.com/*", host: "shop.example.com", hostWildcard: true, pathPrefix: "/", pathExact: false, zoneName: "example.com" },
  ]);
  assert.equal(c.vars, {
    API_BASE: "https://api.example.com",
    RETRIES: 3,
    RATIO: 0.5,
    DEBUG: false,
    TAGS: ["a", "b"],
    FEATURES: { search: true, depth: 2 },
    LAUNCHED: "2026-01-15",
  });
  assert.equal(c.secrets, ["STRIPE_KEY", "DB_PASSWORD"]);
  assert.equal(c.kvNamespaces, [
    { binding: "CACHE", id: "cache-prod" },
    { binding: "SESSIONS", id: "shop-api-SESSIONS" },
  ]);
  assert.equal(c.queues, {
    producers: [{ binding: "ORDERS", queue: "orders" }],
    consumers: [
      { queue: "orders", maxBatchSize: 50, maxBatchTimeout: 5, maxRetries: 3, deadLetterQueue: "orders-dlq" },
      { queue: "emails", maxBatchSize: 10, maxBatchTimeout: 5, maxRetries: 3, deadLetterQueue: null },
    ],
  });
  assert.equal(c.crons, ["*/5 * * * *", "0 3 * * mon"]);
  assert.equal(c.limits, { ...DEFAULT_LIMITS, cpuMs: 100, memoryMb: 256 });
  assert.equal(c.regions, ["eu-west", "us-east"]);
});

test("env: inherits unset keys, replaces set keys wholesale, derives its name", () => {
  const c = parseText(FULL, "staging");
  assert.is(c.env, "staging");
  assert.is(c.name, "shop-api-staging");
  assert.equal(c.routes.map((r) => r.pattern), ["staging.example.com/*"]);
  // [vars] replaced as a whole: the top-level RETRIES etc. are gone.
  assert.equal(c.vars, { API_BASE: "https://staging.example.com" });
  // [limits] replaced as a whole: memory_mb falls back to the default, not to the top-level 256.
  assert.equal(c.limits, { ...DEFAULT_LIMITS, cpuMs: 500 });
  // Inherited unchanged:
  assert.equal(c.secrets, ["STRIPE_KEY", "DB_PASSWORD"]);
  assert.equal(c.crons, ["*/5 * * * *", "0 3 * * mon"]);
  assert.equal(c.regions, ["eu-west", "us-east"]);
  assert.is(c.queues.consumers.length, 2);
  // Inherited KV keeps explicit ids; defaulted ids follow the env's name.
  assert.equal(c.kvNamespaces, [
    { binding: "CACHE", id: "cache-prod" },
    { binding: "SESSIONS", id: "shop-api-staging-SESSIONS" },
  ]);
  const prod = parseText(FULL, "production");
  assert.is(prod.name, "shop");
  assert.is(prod.limits.memoryMb, 256);
  assert.is(prod.vars.RETRIES, 3);
});

test("defaults: a minimal config", () => {
  const c = parseText(BASE);
  assert.is(c.compatibilityDate, "2026-11-01");
  assert.equal(c.routes, [{ pattern: "/*", host: null, hostWildcard: false, pathPrefix: "/", pathExact: false, zoneName: null }]);
  assert.equal(c.vars, {});
  assert.equal(c.secrets, []);
  assert.equal(c.kvNamespaces, []);
  assert.equal(c.queues, { producers: [], consumers: [] });
  assert.equal(c.crons, []);
  assert.equal(c.limits, { cpuMs: 50, memoryMb: 128, subrequests: 50, wallMs: 30000, maxRequestBodyMb: 100, maxResponseBodyMb: 100 });
  assert.is(c.regions, null);
  assert.is(c.env, null);
});

test("route = \"...\" is accepted as a single route; routes = [] means no routes", () => {
  assert.equal(parseText(`${BASE}route = "example.com/*"\n`).routes.map((r) => r.host), ["example.com"]);
  assert.equal(parseText(`${BASE}routes = []\n`).routes, []);
  oneError(`${BASE}route = "a.com/*"\nroutes = ["b.com/*"]\n`, "route", 3, "either `route` or `routes`");
  oneError(`${BASE}routes = [\n  "a.com/*",\n  "a.com/x*y",\n]\n`, "routes[1]", 5, `"*" may only appear at the end`);
  oneError(`${BASE}routes = [{ zone_name = "a.com" }]\n`, "routes[0].pattern", 3, "is required");
});

test("loadConfig reads the file, and reports an unreadable one as a ConfigErrors", async () => {
  const file = project(FULL);
  const c = await loadConfig(file, { env: "staging" });
  assert.is(c.name, "shop-api-staging");
  try {
    await loadConfig(join(dirname(file), "missing.toml"));
    assert.unreachable("should throw");
  } catch (err) {
    assert.instance(err, ConfigErrors);
    assert.match((err as Error).message, /cannot read config file/);
  }
});

test("the full example in spec/config.md resolves as the spec says", () => {
  const spec = readFileSync(join(import.meta.dirname, "../../spec/config.md"), "utf8");
  const example = /## Full example\s+```toml\n([\s\S]*?)```/.exec(spec)?.[1];
  assert.ok(example, "spec/config.md has a Full example toml block");
  const c = parseText(example, "staging");
  assert.is(c.name, "shop-api-staging");
  assert.equal(c.routes.map((r) => r.host), ["staging.example.com"]);
  assert.equal(c.vars, { API_BASE: "https://staging.example.com" });
  assert.equal([c.limits.cpuMs, c.limits.memoryMb], [500, 128]);
  assert.equal(c.kvNamespaces.map((kv) => kv.id), ["cache-prod", "shop-api-staging-SESSIONS"]);
  assert.equal(c.secrets, ["STRIPE_KEY"]);
  assert.equal(c.regions, ["eu-west", "us-east"]);
  assert.equal(c.crons, ["*/5 * * * *", "0 3 * * mon"]);
  assert.equal(c.queues.consumers[0], { queue: "orders", maxBatchSize: 50, maxBatchTimeout: 5, maxRetries: 3, deadLetterQueue: "orders-dlq" });
});

test.run();
