// The error types thrown by config loading: one ConfigError per problem, gathered into one ConfigErrors.

export type ConfigErrorInit = {
  file: string;
  line: number | null;
  column: number | null;
  field: string | null;
  reason: string;
};

/**
 * One problem in a config file. `message` is
 * `wrangler-like.toml:12:3: limits.cpu_ms: must be an integer from 1 to 300000, got "fast"`;
 * the position part shrinks to what is known (`file:12:`, `file:`), the field part is left out
 * for problems of the whole document (a TOML syntax error).
 */
export class ConfigError extends Error {
  /** The config file, as it was named to the loader. */
  readonly file: string;
  /** 1-based line, or null when it could not be found. */
  readonly line: number | null;
  /** 1-based column, or null when it could not be found. */
  readonly column: number | null;
  /** Dotted field path (`env.staging.limits.cpu_ms`), or null for document-level problems. */
  readonly field: string | null;
  /** The message without the position and field prefix. */
  readonly reason: string;

  constructor(init: ConfigErrorInit) {
    super(formatConfigError(init));
    this.name = "ConfigError";
    this.file = init.file;
    this.line = init.line;
    this.column = init.column;
    this.field = init.field;
    this.reason = init.reason;
  }
}

/** All the problems found in one pass over a config file; the message lists one per line. */
export class ConfigErrors extends Error {
  readonly errors: readonly ConfigError[];

  constructor(errors: readonly ConfigError[]) {
    const head = errors.length === 1 ? "1 problem" : `${errors.length} problems`;
    const file = errors[0]?.file ?? "config";
    super(`${file}: ${head} in config\n${errors.map((e) => e.message).join("\n")}`);
    this.name = "ConfigErrors";
    this.errors = errors;
  }
}

export function formatConfigError(e: ConfigErrorInit): string {
  let where = e.file;
  if (e.line !== null) where += `:${e.line}`;
  if (e.line !== null && e.column !== null) where += `:${e.column}`;
  return e.field === null || e.field === "" ? `${where}: ${e.reason}` : `${where}: ${e.field}: ${e.reason}`;
}
