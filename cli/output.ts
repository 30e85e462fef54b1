// Terminal output for the CLI: colors only on a TTY (and never with NO_COLOR), progress lines for long
// steps that redraw in place on a TTY, and silence on stdout in --json mode so scripts get clean JSON.
import { relative } from "node:path";

export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  red(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  /** A line for humans on stdout; dropped in --json mode. */
  info(line: string): void;
  /** A warning on stderr. */
  warn(line: string): void;
  /** Marks a step as started; its line is redrawn when it ends (TTY) or printed then (not a TTY). */
  stepStart(name: string, detail?: string): void;
  stepEnd(name: string, ms: number, detail?: string): void;
  /** Marks the running step, if any, as failed (before an error is printed). */
  stepFail(): void;
  /** The result for scripts on stdout, in --json mode only. */
  result(value: unknown): void;
  /** A path shown relative to the current directory when it is inside it. */
  path(p: string): string;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

function colorWanted(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR || process.env.FORCE_COLOR === "0") return false;
  if (process.env.FORCE_COLOR) return true;
  return Boolean(stream.isTTY);
}

export function createOutput(opts: { json: boolean; stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream }): Output {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const color = !opts.json && colorWanted(stdout);
  const tty = !opts.json && Boolean(stdout.isTTY);
  const paint = (code: number, reset: number) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[${reset}m` : s);
  const red = paint(31, 39);
  const green = paint(32, 39);
  const dim = paint(2, 22);
  const bold = paint(1, 22);
  const label = (name: string) => name.padEnd(14);
  let pending: string | null = null;
  return {
    json: opts.json,
    color,
    red,
    green,
    dim,
    bold,
    info(line) {
      if (!opts.json) stdout.write(line + "\n");
    },
    warn(line) {
      const c = colorWanted(stderr) && !opts.json;
      stderr.write(`${c ? "\x1b[33mwarning:\x1b[39m" : "warning:"} ${line}\n`);
    },
    stepStart(name, detail) {
      if (!tty) return;
      pending = name;
      stdout.write(`  ${dim("…")} ${label(name)}${detail ? dim(detail) : ""}`);
    },
    stepEnd(name, ms, detail) {
      if (opts.json) return;
      if (tty && pending === name) stdout.write("\r\x1b[2K");
      pending = null;
      stdout.write(`  ${green("✓")} ${label(name)}${formatMs(ms).padStart(9)}${detail ? `  ${dim(detail)}` : ""}\n`);
    },
    stepFail() {
      if (pending === null) return;
      if (tty) stdout.write(`\r\x1b[2K  ${red("✗")} ${label(pending)}\n`);
      pending = null;
    },
    result(value) {
      if (opts.json) stdout.write(JSON.stringify(value, null, 2) + "\n");
    },
    path(p) {
      const rel = relative(process.cwd(), p);
      return rel && !rel.startsWith("..") ? rel : p;
    },
  };
}
