// Collects every config problem found in one pass, placing each at its line, and throws them together.

import { ConfigError, ConfigErrors } from "./errors.ts";
import { formatPath } from "./field-path.ts";
import type { FieldPath } from "./field-path.ts";
import type { Locator } from "./locate.ts";

export class Reporter {
  readonly file: string;
  private readonly locate: Locator;
  private readonly found: ConfigError[] = [];
  private readonly seen = new Set<string>();

  constructor(file: string, locate: Locator) {
    this.file = file;
    this.locate = locate;
  }

  /** Records a problem with the field at `path`; the same message for the same field is kept once. */
  add(path: FieldPath, reason: string): void {
    const field = formatPath(path);
    const key = `${field}\u0000${reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const { line, column } = this.locate(path);
    this.found.push(new ConfigError({ file: this.file, line, column, field: field === "" ? null : field, reason }));
  }

  get count(): number {
    return this.found.length;
  }

  /** Throws one ConfigErrors listing every problem, in source order, if there was any. */
  throwIfAny(): void {
    if (this.found.length === 0) return;
    const sorted = this.found
      .map((e, n) => ({ e, n }))
      .sort((a, b) => (a.e.line ?? 0) - (b.e.line ?? 0) || (a.e.column ?? 0) - (b.e.column ?? 0) || a.n - b.n)
      .map(({ e }) => e);
    throw new ConfigErrors(sorted);
  }
}
