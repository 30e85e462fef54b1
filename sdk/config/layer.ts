// Validates one layer of a config — the top level or one [env.NAME] section — into typed values.
// A layer holds only what it sets; inheritance and defaults are applied later by resolve.ts.

import { Cron } from "croner";
import { checkKv, checkQueues, checkSecrets, checkVars } from "./bindings.ts";
import type { BindingRef, KvSpec, QueuesSpec } from "./bindings.ts";
import { array, has, integer, knownKeys, matching, nameList, string, table } from "./checks.ts";
import type { Table } from "./checks.ts";
import type { FieldPath } from "./field-path.ts";
import type { Limits } from "../../core/config/model.ts";
import type { Reporter } from "./report.ts";
import { parseRoutePattern } from "../../core/config/routes.ts";
import type { Route } from "../../core/config/routes.ts";
import { APP_NAME, DEFAULT_LIMITS, ENV_KEYS, INHERITED_KEYS, LIMITS, MAIN_EXTENSIONS, REGION_NAME, ROUTE_KEYS, TOP_LEVEL_KEYS, TRIGGERS_KEYS } from "../../core/config/schema.ts";
import type { InheritedKey } from "../../core/config/schema.ts";
import { describeValue, temporalKind } from "./values.ts";

/** The fields that declare bindings, by the key an env replaces them under. */
export type BindingGroup = "vars" | "secrets" | "kv_namespaces" | "queues";

export type Layer = {
  /** `[]` for the top level, `["env", NAME]` for an env. */
  path: FieldPath;
  /** Inheritable keys this layer sets (`route` counts as `routes`), valid or not. */
  sets: ReadonlySet<InheritedKey>;
  /** Whether the layer sets `name` (valid or not). */
  setsName: boolean;
  name?: string;
  main?: { value: string; path: FieldPath };
  compatibilityDate?: string;
  routes?: Route[];
  vars?: Record<string, unknown>;
  secrets?: string[];
  kvNamespaces?: KvSpec[];
  queues?: QueuesSpec;
  crons?: string[];
  limits?: Limits;
  regions?: string[];
  bindings: Partial<Record<BindingGroup, BindingRef[]>>;
};

export function checkLayer(t: Table, base: FieldPath, r: Reporter, isEnv: boolean): Layer {
  if (isEnv && has(t, "env")) r.add([...base, "env"], "environments cannot be nested; declare each one as a top-level [env.NAME]");
  const rest = isEnv ? Object.fromEntries(Object.entries(t).filter(([k]) => k !== "env")) : t;
  knownKeys(rest, isEnv ? ENV_KEYS : TOP_LEVEL_KEYS, base, r);

  const at = (key: string): FieldPath => [...base, key];
  const sets = new Set<InheritedKey>();
  const layer: Layer = { path: base, sets, setsName: has(t, "name"), bindings: {} };
  for (const key of Object.keys(t)) {
    const k = key === "route" ? "routes" : key;
    if ((INHERITED_KEYS as readonly string[]).includes(k)) sets.add(k as InheritedKey);
  }

  if (has(t, "name")) layer.name = matching(t.name, at("name"), r, APP_NAME.re, APP_NAME.rule);
  if (has(t, "main")) {
    const main = checkMain(t.main, at("main"), r);
    if (main !== undefined) layer.main = { value: main, path: at("main") };
  }
  if (has(t, "compatibility_date")) layer.compatibilityDate = checkDate(t.compatibility_date, at("compatibility_date"), r);
  layer.routes = checkRoutes(t, base, r);
  if (has(t, "vars")) {
    const v = checkVars(t.vars, at("vars"), r);
    layer.vars = v?.vars;
    layer.bindings.vars = v?.refs;
  }
  if (has(t, "secrets")) {
    const s = checkSecrets(t.secrets, at("secrets"), r);
    layer.secrets = s?.secrets;
    layer.bindings.secrets = s?.refs;
  }
  if (has(t, "kv_namespaces")) {
    const kv = checkKv(t.kv_namespaces, at("kv_namespaces"), r);
    layer.kvNamespaces = kv.kv;
    layer.bindings.kv_namespaces = kv.refs;
  }
  if (has(t, "queues")) {
    const q = checkQueues(t.queues, at("queues"), r);
    layer.queues = q?.queues;
    layer.bindings.queues = q?.refs;
  }
  if (has(t, "triggers")) layer.crons = checkTriggers(t.triggers, at("triggers"), r);
  if (has(t, "limits")) layer.limits = checkLimits(t.limits, at("limits"), r);
  if (has(t, "regions")) layer.regions = checkRegions(t.regions, at("regions"), r);
  return layer;
}

function checkMain(v: unknown, path: FieldPath, r: Reporter): string | undefined {
  const s = string(v, path, r);
  if (s === undefined) return undefined;
  if (MAIN_EXTENSIONS.some((ext) => s.endsWith(ext) && s.length > ext.length)) return s;
  r.add(path, `must be a path to a ${MAIN_EXTENSIONS.join(", ")} file, got ${describeValue(s)}`);
  return undefined;
}

/** "YYYY-MM-DD" as a string, or an unquoted TOML local date (which smol-toml has already checked). */
function checkDate(v: unknown, path: FieldPath, r: Reporter): string | undefined {
  const s = temporalKind(v) === "PlainDate" ? String(v) : v;
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    r.add(path, `must be a date as "YYYY-MM-DD", got ${describeValue(v)}`);
    return undefined;
  }
  const d = new Date(`${s}T00:00:00Z`);
  if (!Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s) return s;
  r.add(path, `must be a real calendar date, got ${describeValue(s)}`);
  return undefined;
}

function checkRoutes(t: Table, base: FieldPath, r: Reporter): Route[] | undefined {
  const parse = (pattern: string, zone: string | null, path: FieldPath): Route | undefined => {
    const parsed = parseRoutePattern(pattern, zone);
    if ("route" in parsed) return parsed.route;
    r.add(path, `invalid route pattern ${JSON.stringify(pattern)}: ${parsed.error}`);
    return undefined;
  };
  if (has(t, "route") && has(t, "routes")) r.add([...base, "route"], "set either `route` or `routes`, not both");
  if (has(t, "routes")) {
    const items = array(t.routes, [...base, "routes"], r);
    if (!items) return undefined;
    const out: Route[] = [];
    items.forEach((item, n) => {
      const at: FieldPath = [...base, "routes", n];
      if (typeof item === "string") {
        const route = parse(item, null, at);
        if (route) out.push(route);
        return;
      }
      const entry = table(item, at, r);
      if (!entry) return;
      knownKeys(entry, ROUTE_KEYS, at, r);
      if (!has(entry, "pattern")) return r.add([...at, "pattern"], "is required");
      const pattern = string(entry.pattern, [...at, "pattern"], r);
      const zone = has(entry, "zone_name") ? string(entry.zone_name, [...at, "zone_name"], r) : null;
      if (pattern === undefined || zone === undefined) return;
      const route = parse(pattern, zone, [...at, "pattern"]);
      if (route) out.push(route);
    });
    return out;
  }
  if (has(t, "route")) {
    const pattern = string(t.route, [...base, "route"], r);
    const route = pattern === undefined ? undefined : parse(pattern, null, [...base, "route"]);
    return route ? [route] : undefined;
  }
  return undefined;
}

function checkTriggers(v: unknown, path: FieldPath, r: Reporter): string[] | undefined {
  const t = table(v, path, r);
  if (!t) return undefined;
  knownKeys(t, TRIGGERS_KEYS, path, r);
  if (!has(t, "crons")) return [];
  const items = array(t.crons, [...path, "crons"], r);
  if (!items) return undefined;
  const crons: string[] = [];
  items.forEach((item, n) => {
    const expr = string(item, [...path, "crons", n], r);
    if (expr === undefined) return;
    try {
      new Cron(expr, { paused: true });
      crons.push(expr);
    } catch (err) {
      const why = (err as Error).message.replace(/^CronPattern:\s*/, "");
      r.add([...path, "crons", n], `invalid cron expression ${JSON.stringify(expr)}: ${why}`);
    }
  });
  return crons;
}

/** Fills defaults for the limits the table leaves out. */
function checkLimits(v: unknown, path: FieldPath, r: Reporter): Limits | undefined {
  const t = table(v, path, r);
  if (!t) return undefined;
  knownKeys(
    t,
    LIMITS.map((l) => l.key),
    path,
    r,
  );
  const out: Limits = { ...DEFAULT_LIMITS };
  let ok = true;
  for (const rule of LIMITS) {
    if (!has(t, rule.key)) continue;
    const n = integer(t[rule.key], [...path, rule.key], r, rule.min, rule.max);
    if (n === undefined) ok = false;
    else out[rule.prop] = n;
  }
  return ok ? out : undefined;
}

function checkRegions(v: unknown, path: FieldPath, r: Reporter): string[] | undefined {
  const regions = nameList(v, path, r, REGION_NAME.re, REGION_NAME.rule);
  if (Array.isArray(v) && v.length === 0) {
    r.add(path, "must list at least one region (leave `regions` out to run in every region)");
    return undefined;
  }
  return regions;
}
