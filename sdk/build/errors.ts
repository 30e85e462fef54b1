// The error `outpost build` throws for problems in the user's project (a bundling error, an exception
// while initialising the app, a refused component): the message is complete and needs no stack trace.

export type BuildErrorStep = "bundle" | "initialize" | "componentize" | "validate" | "input";

/** Where in the user's sources an error is: the file as shown in the message, 1-based line and column. */
export interface SourceLocation { file: string; line: number; column: number; lineText?: string }

export class BuildError extends Error {
  readonly step: BuildErrorStep;
  /** The places in the user's files the message points at (a bundling error's), first first. */
  readonly locations: SourceLocation[];
  constructor(step: BuildErrorStep, message: string, options?: { cause?: unknown; locations?: SourceLocation[] }) {
    super(message, options);
    this.name = "BuildError";
    this.step = step;
    this.locations = options?.locations ?? locationsIn(message);
  }
}

/** `file:line:column: text`, then the source line and a caret under the column when the line is known. */
export function formatAt(where: SourceLocation, text: string): string {
  let out = `${where.file}:${where.line}:${where.column}: ${text}`;
  if (where.lineText !== undefined) {
    const gutter = " ".repeat(String(where.line).length);
    out += `\n    ${where.line} | ${where.lineText}\n    ${gutter} | ${" ".repeat(where.column - 1)}^`;
  }
  return out;
}

/** The `file.ts:line:column` places a message names (e.g. a mapped stack trace), in order, once each. */
export function locationsIn(text: string): SourceLocation[] {
  const seen = new Set<string>();
  const out: SourceLocation[] = [];
  for (const m of text.matchAll(/([\w@./-]+\.(?:[cm]?[jt]sx?)):(\d+):(\d+)/g)) {
    if (seen.has(m[0])) continue;
    seen.add(m[0]);
    out.push({ file: m[1], line: Number(m[2]), column: Number(m[3]) });
  }
  return out;
}
