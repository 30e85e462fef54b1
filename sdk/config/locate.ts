// Finds the line and column of a field in TOML text, so errors found after parsing can point at the source.
//
// smol-toml returns plain values without positions, so this walks the (already valid) TOML text once
// and records where every table header, key, array element and inline-table key starts, under the same
// dotted path that error messages use. Array-of-tables entries (`[[kv_namespaces]]`) are numbered in order.
// A path that was never written (a missing key) falls back to its nearest recorded parent, then line 1.

import { formatPath } from "./field-path.ts";
import type { FieldPath, PathSegment } from "./field-path.ts";

export type Position = { line: number; column: number };
export type Locator = (path: FieldPath) => Position;

export function createLocator(text: string): Locator {
  const positions = new Map<string, Position>();
  try {
    new Scanner(text, positions).document();
  } catch {
    // The scanner is approximate; whatever it recorded before giving up is still useful.
  }
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const found = positions.get(formatPath(path.slice(0, n)));
      if (found) return found;
    }
    return { line: 1, column: 1 };
  };
}

class Scanner {
  private readonly s: string;
  private readonly out: Map<string, Position>;
  private readonly lineStarts: number[] = [0];
  private readonly arrayTables = new Map<string, number>();
  private i = 0;

  constructor(text: string, out: Map<string, Position>) {
    this.s = text;
    this.out = out;
    for (let k = 0; k < text.length; k++) if (text[k] === "\n") this.lineStarts.push(k + 1);
  }

  document(): void {
    let table: PathSegment[] = [];
    for (;;) {
      this.skipBlank(true);
      if (this.i >= this.s.length) return;
      const before = this.i;
      if (this.s[this.i] === "[") table = this.header();
      else this.keyValue(table);
      this.skipBlank(false);
      if (this.i === before) throw new Error("locator made no progress");
    }
  }

  /** `[a.b]` or `[[a.b]]`; returns the resolved table path, with indexes for arrays of tables. */
  private header(): PathSegment[] {
    const start = this.i;
    const isArray = this.s[this.i + 1] === "[";
    this.i += isArray ? 2 : 1;
    const keys = this.key();
    this.i += isArray ? 2 : 1;
    const resolved: PathSegment[] = [];
    keys.forEach((k, n) => {
      resolved.push(k);
      const id = formatPath(resolved);
      if (isArray && n === keys.length - 1) {
        const count = this.arrayTables.get(id) ?? 0;
        this.arrayTables.set(id, count + 1);
        this.record(resolved, start);
        resolved.push(count);
      } else {
        const count = this.arrayTables.get(id);
        if (count !== undefined) resolved.push(count - 1);
      }
      this.record(resolved, start);
    });
    return resolved;
  }

  /** `a.b = value` inside `base`. */
  private keyValue(base: readonly PathSegment[]): void {
    const start = this.i;
    const keys = this.key();
    for (let n = 1; n <= keys.length; n++) this.record([...base, ...keys.slice(0, n)], start);
    this.skipBlank(false);
    if (this.s[this.i] !== "=") throw new Error("expected =");
    this.i++;
    this.skipBlank(false);
    this.value([...base, ...keys]);
  }

  private value(path: PathSegment[]): void {
    const c = this.s[this.i];
    if (c === "[") {
      this.i++;
      for (let index = 0; ; index++) {
        this.skipBlank(true);
        if (this.s[this.i] === "]" || this.i >= this.s.length) break;
        this.record([...path, index], this.i);
        this.value([...path, index]);
        this.skipBlank(true);
        if (this.s[this.i] === ",") this.i++;
      }
      this.i++;
    } else if (c === "{") {
      this.i++;
      for (;;) {
        this.skipBlank(true);
        if (this.s[this.i] === "}" || this.i >= this.s.length) break;
        this.keyValue(path);
        this.skipBlank(true);
        if (this.s[this.i] === ",") this.i++;
      }
      this.i++;
    } else if (c === '"' || c === "'") {
      this.string();
    } else {
      while (this.i < this.s.length && !",]}\n#".includes(this.s[this.i])) this.i++;
    }
  }

  /** A dotted key of bare and quoted parts. */
  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank(false);
      const c = this.s[this.i];
      if (c === '"' || c === "'") parts.push(this.string());
      else {
        const start = this.i;
        while (this.i < this.s.length && /[A-Za-z0-9_-]/.test(this.s[this.i])) this.i++;
        if (this.i === start) throw new Error("expected a key");
        parts.push(this.s.slice(start, this.i));
      }
      this.skipBlank(false);
      if (this.s[this.i] !== ".") return parts;
      this.i++;
    }
  }

  /** Any of the four TOML string forms; returns the (roughly decoded) content. */
  private string(): string {
    const q = this.s[this.i];
    const triple = this.s.startsWith(q.repeat(3), this.i);
    this.i += triple ? 3 : 1;
    const start = this.i;
    for (;;) {
      if (this.i >= this.s.length) throw new Error("unterminated string");
      const c = this.s[this.i];
      if (c === "\\" && q === '"') {
        this.i += 2;
        continue;
      }
      if (c === q && (!triple || this.s.startsWith(q.repeat(3), this.i))) break;
      this.i++;
    }
    let end = this.i;
    if (triple) {
      this.i += 3;
      while (this.s[this.i] === q && this.i - end < 5) this.i++; // up to two quotes may close the content
      end = this.i - 3;
    } else this.i++;
    const raw = this.s.slice(start, end);
    if (q === "'" || triple) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  }

  /** Skips spaces and comments, and newlines too when `newlines`. */
  private skipBlank(newlines: boolean): void {
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) this.i++;
      else if (c === "#") while (this.i < this.s.length && this.s[this.i] !== "\n") this.i++;
      else return;
    }
  }

  private record(path: readonly PathSegment[], offset: number): void {
    const id = formatPath(path);
    if (!this.out.has(id)) this.out.set(id, this.position(offset));
  }

  private position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo] + 1 };
  }
}
