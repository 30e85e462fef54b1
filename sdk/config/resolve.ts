// Builds the AppConfig of one environment from the checked layers: for each inheritable key the env's
// value if it sets the key, else the top level's; then defaults, the derived env name, default KV ids,
// and the checks that need the whole picture (entry file exists, binding names unique).

import { statSync } from "node:fs";
import { resolve as resolvePath } from "node:path";
import { formatPath } from "./field-path.ts";
import type { FieldPath } from "./field-path.ts";
import type { BindingGroup, Layer } from "./layer.ts";
import type { AppConfig } from "../../core/config/model.ts";
import type { Reporter } from "./report.ts";
import { DEFAULT_ROUTE } from "../../core/config/routes.ts";
import { APP_NAME, DEFAULT_COMPATIBILITY_DATE, DEFAULT_LIMITS } from "../../core/config/schema.ts";
import type { InheritedKey } from "../../core/config/schema.ts";

export type ResolveOptions = { file: string; dir: string; checkFiles: boolean };

export type NamedEnv = { name: string; layer: Layer };

/** The order binding groups are compared in when looking for duplicate names. */
const BINDING_GROUPS: readonly BindingGroup[] = ["vars", "secrets", "kv_namespaces", "queues"];

/**
 * Resolves the top level (env null) or one env. Problems go to the Reporter; the returned config is only
 * meaningful when none were reported.
 */
export function resolveConfig(top: Layer, env: NamedEnv | null, opts: ResolveOptions, r: Reporter): AppConfig {
  const from = (key: InheritedKey): Layer => (env !== null && env.layer.sets.has(key) ? env.layer : top);

  const name = env === null ? (top.name ?? "") : env.layer.setsName ? (env.layer.name ?? "") : derivedName(top, env, r);
  const main = from("main").main;
  if (main && opts.checkFiles) checkEntryFile(resolvePath(opts.dir, main.value), main.value, main.path, r);
  checkBindingNames(from, r);

  const kvNamespaces = (from("kv_namespaces").kvNamespaces ?? []).map((kv) => ({
    binding: kv.binding,
    id: kv.id ?? `${name}-${kv.binding}`,
  }));
  const queues = from("queues").queues ?? { producers: [], consumers: [] };
  return {
    file: opts.file,
    dir: opts.dir,
    name,
    main: main ? resolvePath(opts.dir, main.value) : "",
    compatibilityDate: from("compatibility_date").compatibilityDate ?? DEFAULT_COMPATIBILITY_DATE,
    routes: from("routes").routes ?? [{ ...DEFAULT_ROUTE }],
    vars: from("vars").vars ?? {},
    secrets: from("secrets").secrets ?? [],
    kvNamespaces,
    queues: { producers: [...queues.producers], consumers: [...queues.consumers] },
    crons: from("triggers").crons ?? [],
    limits: { ...(from("limits").limits ?? DEFAULT_LIMITS) },
    regions: from("regions").regions ?? null,
    env: env?.name ?? null,
  };
}

/** `<top name>-<env name>`, reported if that is not a valid app name. */
function derivedName(top: Layer, env: NamedEnv, r: Reporter): string {
  if (top.name === undefined) return "";
  const name = `${top.name}-${env.name}`;
  if (!APP_NAME.re.test(name)) {
    r.add(env.layer.path, `the derived name "${name}" is not valid (${APP_NAME.rule}); set env.${env.name}.name`);
  }
  return name;
}

function checkEntryFile(abs: string, written: string, path: FieldPath, r: Reporter): void {
  let isFile = false;
  try {
    isFile = statSync(abs).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) r.add(path, `entry file ${JSON.stringify(written)} not found (looked for ${abs})`);
}

/** Every binding name (vars, secrets, KV, queue producers) must be unique in the resolved config. */
function checkBindingNames(from: (key: InheritedKey) => Layer, r: Reporter): void {
  const first = new Map<string, FieldPath>();
  for (const group of BINDING_GROUPS) {
    for (const ref of from(group).bindings[group] ?? []) {
      const earlier = first.get(ref.name);
      if (earlier === undefined) first.set(ref.name, ref.path);
      else r.add(ref.path, `binding name "${ref.name}" is already used by ${formatPath(earlier)}`);
    }
  }
}
