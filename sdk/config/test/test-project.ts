// Test helpers for the config tests: a temp project on disk, and assertions on the ConfigErrors thrown.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as assert from "uvu/assert";
import { ConfigErrors, parseConfig } from "../index.ts";
import type { AppConfig, ConfigError } from "../index.ts";
import { tempDir } from "../../../testkit/temp.ts";

/** Writes the config and entry files into a fresh temp dir; returns the config path. */
export function project(toml: string, files: string[] = ["src/index.ts"]): string {
  const dir = tempDir("outpost-config-");
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), "export default {};\n");
  }
  const file = join(dir, "wrangler-like.toml");
  writeFileSync(file, toml);
  return file;
}

/** Parses `toml` as the config of a temp project. */
export function parseText(toml: string, env?: string): AppConfig {
  return parseConfig(toml, project(toml), { env });
}

/** The errors thrown for `toml` (fails if it parses). */
export function errorsOf(toml: string, opts: { env?: string; files?: string[] } = {}): ConfigError[] {
  const file = project(toml, opts.files);
  try {
    parseConfig(toml, file, { env: opts.env });
  } catch (err) {
    assert.instance(err, ConfigErrors);
    return [...(err as ConfigErrors).errors];
  }
  assert.unreachable("expected ConfigErrors, but the config parsed");
  return [];
}

/** The single error for `toml`, checked against field, line and a fragment of the message. */
export function oneError(toml: string, field: string | null, line: number, fragment: string, opts = {}): ConfigError {
  const errors = errorsOf(toml, opts);
  assert.is(errors.length, 1, errors.map((e) => e.message).join("\n"));
  const [e] = errors;
  assert.is(e.field, field);
  assert.is(e.line, line, e.message);
  assert.ok(e.message.includes(fragment), `${JSON.stringify(e.message)} lacks ${JSON.stringify(fragment)}`);
  return e;
}

/** The smallest valid config (two lines). */
export const BASE = `name = "app"\nmain = "src/index.ts"\n`;
