// The field rules of wrangler-like.toml: which keys exist where, the syntax of names, limits and defaults.
// spec/config.md documents the same rules; keep the two in step.

import type { Limits } from "./model.ts";

export const TOP_LEVEL_KEYS = [
  "name",
  "main",
  "compatibility_date",
  "route",
  "routes",
  "vars",
  "secrets",
  "kv_namespaces",
  "queues",
  "triggers",
  "limits",
  "regions",
  "env",
] as const;

/** Keys an `[env.NAME]` section may set: everything but `env`. */
export const ENV_KEYS: readonly string[] = TOP_LEVEL_KEYS.filter((k) => k !== "env");

export const ROUTE_KEYS = ["pattern", "zone_name"] as const;
export const KV_KEYS = ["binding", "id"] as const;
export const QUEUES_KEYS = ["producers", "consumers"] as const;
export const PRODUCER_KEYS = ["binding", "queue"] as const;
export const CONSUMER_KEYS = ["queue", "max_batch_size", "max_batch_timeout", "max_retries", "dead_letter_queue"] as const;
export const TRIGGERS_KEYS = ["crons"] as const;

export type Syntax = { re: RegExp; rule: string };

export const APP_NAME: Syntax = {
  re: /^[a-z][a-z0-9-]{0,62}$/,
  rule: "1-63 lowercase letters, digits or dashes, starting with a letter",
};
export const BINDING_NAME: Syntax = {
  re: /^[A-Za-z_][A-Za-z0-9_]*$/,
  rule: "an identifier (letters, digits and _, not starting with a digit)",
};
export const QUEUE_NAME: Syntax = {
  re: /^[a-z0-9][a-z0-9-]{0,62}$/,
  rule: "a queue name (1-63 lowercase letters, digits or dashes)",
};
export const KV_ID: Syntax = {
  re: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
  rule: "a namespace id (1-128 letters, digits, _ . or -, starting with a letter or digit)",
};
export const REGION_NAME: Syntax = { re: /^[a-z0-9-]+$/, rule: "a region name (lowercase letters, digits, dashes)" };
export const ENV_NAME: Syntax = { re: /^[A-Za-z0-9_-]+$/, rule: "an environment name (letters, digits, _ or -)" };

export const MAIN_EXTENSIONS = [".ts", ".js", ".mts", ".mjs"] as const;

/** Used when `compatibility_date` is absent. */
export const DEFAULT_COMPATIBILITY_DATE = "2026-11-01";

export type IntRule = { key: string; min: number; max: number; default: number };

export type LimitRule = IntRule & { prop: keyof Limits };

export const LIMITS: readonly LimitRule[] = [
  { key: "cpu_ms", prop: "cpuMs", min: 1, max: 300_000, default: 50 },
  { key: "memory_mb", prop: "memoryMb", min: 1, max: 4096, default: 128 },
  { key: "subrequests", prop: "subrequests", min: 0, max: 10_000, default: 50 },
  { key: "wall_ms", prop: "wallMs", min: 1, max: 900_000, default: 30_000 },
  { key: "max_request_body_mb", prop: "maxRequestBodyMb", min: 1, max: 500, default: 100 },
  { key: "max_response_body_mb", prop: "maxResponseBodyMb", min: 1, max: 1024, default: 100 },
];

export const DEFAULT_LIMITS: Limits = Object.freeze(
  Object.fromEntries(LIMITS.map((l) => [l.prop, l.default])) as Limits,
);

export const CONSUMER_INTS = {
  max_batch_size: { key: "max_batch_size", min: 1, max: 100, default: 10 },
  max_batch_timeout: { key: "max_batch_timeout", min: 0, max: 60, default: 5 },
  max_retries: { key: "max_retries", min: 0, max: 100, default: 3 },
} as const satisfies Record<string, IntRule>;

/**
 * The keys an env inherits from the top level when it does not set them, and replaces wholesale when it
 * does. `route` and `routes` count as the one key `routes`. `name` is not inherited: it defaults to
 * `<top name>-<env name>`.
 */
export type InheritedKey = Exclude<(typeof TOP_LEVEL_KEYS)[number], "name" | "route" | "env">;

export const INHERITED_KEYS: readonly InheritedKey[] = TOP_LEVEL_KEYS.filter((k): k is InheritedKey => k !== "name" && k !== "route" && k !== "env");
