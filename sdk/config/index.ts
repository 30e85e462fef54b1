// Entry point of the config package: parse, validate and resolve a wrangler-like.toml into an AppConfig.

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse, TomlError } from "smol-toml";
import { has, isTable, matching, table } from "./checks.ts";
import { ConfigError, ConfigErrors } from "./errors.ts";
import { checkLayer } from "./layer.ts";
import type { Layer } from "./layer.ts";
import { createLocator } from "./locate.ts";
import type { AppConfig } from "../../core/config/model.ts";
import { Reporter } from "./report.ts";
import { resolveConfig } from "./resolve.ts";
import { ENV_NAME } from "../../core/config/schema.ts";
import { describeValue } from "./values.ts";

export type { AppConfig, KvNamespace, Limits, QueueConsumer, QueueProducer, Route } from "../../core/config/model.ts";
export { ConfigError, ConfigErrors } from "./errors.ts";
export { DEFAULT_ROUTE, findRoute, matchRoute, normalizeHost, parseRoutePattern, routeMatches } from "../../core/config/routes.ts";
export { DEFAULT_COMPATIBILITY_DATE, DEFAULT_LIMITS } from "../../core/config/schema.ts";

/** The config file name `outpost` looks for in an app's directory. */
export const CONFIG_FILE_NAME = "wrangler-like.toml";

export type ParseOptions = {
  /** Resolve this `[env.NAME]` instead of the top level. */
  env?: string;
  /** Check that `main` exists on disk (default true). */
  checkFiles?: boolean;
};

/**
 * Parses and validates config text. `file` names the file in messages and anchors relative paths.
 * Every environment is validated, whichever is selected. Throws ConfigErrors listing every problem.
 */
export function parseConfig(text: string, file: string, opts: ParseOptions = {}): AppConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text, { useLegacyDate: false });
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const reason = `invalid TOML: ${err.message.replace(/^Invalid TOML document:\s*/, "").split("\n")[0]}`;
    throw new ConfigErrors([new ConfigError({ file, line: err.line, column: err.column, field: null, reason })]);
  }
  const r = new Reporter(file, createLocator(text));
  const top = checkLayer(doc, [], r, false);
  if (!has(doc, "name")) r.add(["name"], "is required");
  if (!has(doc, "main")) r.add(["main"], "is required");
  const envs = checkEnvs(doc, r);

  const abs = resolve(file);
  const resolveOpts = { file: abs, dir: dirname(abs), checkFiles: opts.checkFiles ?? true };
  const wanted = opts.env || null;
  let selected = resolveConfig(top, null, resolveOpts, r);
  for (const [name, layer] of envs) {
    const config = resolveConfig(top, { name, layer }, resolveOpts, r);
    if (name === wanted) selected = config;
  }
  if (wanted !== null && !envs.has(wanted)) {
    const defined = envs.size === 0 ? "none" : [...envs.keys()].join(", ");
    r.add(["env"], `no environment named "${wanted}" (defined: ${defined})`);
  }
  r.throwIfAny();
  return selected;
}

/** Reads and parses a config file. Throws ConfigErrors, also when the file cannot be read. */
export async function loadConfig(path: string, opts: { env?: string } = {}): Promise<AppConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const reason = `cannot read config file: ${(err as Error).message}`;
    throw new ConfigErrors([new ConfigError({ file: path, line: null, column: null, field: null, reason })]);
  }
  return parseConfig(text, path, { env: opts.env, checkFiles: true });
}

/** Checks `[env.NAME]` sections; returns the valid ones by name. */
function checkEnvs(doc: Record<string, unknown>, r: Reporter): Map<string, Layer> {
  const envs = new Map<string, Layer>();
  if (!has(doc, "env")) return envs;
  const t = table(doc.env, ["env"], r);
  if (!t) return envs;
  for (const [name, value] of Object.entries(t)) {
    const ok = matching(name, ["env", name], r, ENV_NAME.re, ENV_NAME.rule) !== undefined;
    if (!isTable(value)) {
      r.add(["env", name], `must be a table ([env.${name}]), got ${describeValue(value)}`);
      continue;
    }
    const layer = checkLayer(value, ["env", name], r, true);
    if (ok) envs.set(name, layer);
  }
  return envs;
}
