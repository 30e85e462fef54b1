// `outpost tail`: the app's log lines from every region, live, as the control plane merges them
// (`GET /v1/apps/:app/logs`), one readable line each with its region tag; `--json` passes the NDJSON
// through. When the control plane goes away (restart, network) it says so on stderr, reconnects with
// backoff (250 ms doubling to 5 s, jitter) and goes on. Runs until Ctrl-C (exit 0); a refused token or
// unknown app ends it (exit 1).
import { setTimeout as sleep } from "node:timers/promises";
import { ApiError } from "../client/api-client.ts";
import { Backoff } from "../../core/backoff.ts";
import { formatLogLine, type LogLine } from "../../core/logs/line.ts";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { appNameFor, withClient } from "../cloud/connect.ts";
import { TARGET_OPTIONS, TARGET_USAGE } from "../cloud/target.ts";
import type { Output } from "../output.ts";

export const options: OptionsConfig = { ...TARGET_OPTIONS, app: { type: "string" } };

export const usage = `Usage: outpost tail [--app <name>] [--config <path>] [--env <name>] [--json]

Streams the app's log lines (console output, errors, limit kills) from every region as they happen,
each tagged with its region, until Ctrl-C. Lines about the regions' connections are dimmed. If the
control plane restarts or becomes unreachable, a notice goes to stderr and the tail reconnects
(with backoff) and goes on; lines logged while it was disconnected are not replayed.

Options:
  --app <name>         the app (default: the name in the config)
      --json           print the NDJSON lines as they come (each has a "region" field)

${TARGET_USAGE}`;

const PALETTE = [36, 35, 33, 34, 32, 96, 95, 93];

function regionTagger(out: Output): (region: string) => string {
  const colors = new Map<string, number>();
  return (region) => {
    if (!out.color) return `[${region}]`;
    if (!colors.has(region)) colors.set(region, PALETTE[colors.size % PALETTE.length]);
    return `\x1b[${colors.get(region)}m[${region}]\x1b[39m`;
  };
}

/** One NDJSON line of the merged tail as a human reads it. */
export function prettyLine(raw: string, out: Output, tag: (region: string) => string): string {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return raw;
  }
  const region = typeof v.region === "string" ? v.region : "?";
  if (v.type === "outpost") return out.dim(`${tag(region)} ${String(v.event)}: ${String(v.message ?? "")}`);
  if (typeof v.ts === "number" && typeof v.level === "string" && typeof v.message === "string") {
    const text = formatLogLine(v as unknown as LogLine);
    return `${tag(region)} ${v.level === "error" ? out.red(text) : text}`;
  }
  return `${tag(region)} ${typeof v.message === "string" ? v.message : raw}`;
}

/** A one-line notice about the connection, on stderr: dimmed on a terminal, plain otherwise. */
function notice(line: string): void {
  const styled = process.stderr.isTTY && !process.env.NO_COLOR;
  process.stderr.write(styled ? `\x1b[2m${line}\x1b[22m\n` : `${line}\n`);
}

/** Worth reconnecting: the control plane is unreachable, failing (5xx), or ended or broke the stream. */
const transient = (err: unknown) => !(err instanceof ApiError) || err.status === 0 || err.status >= 500;

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const app = await appNameFor(args);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await withClient(args, async (client, target) => {
      const tag = regionTagger(out);
      out.info(out.dim(`tailing ${app} from every region of ${target.url} (Ctrl-C to stop)`));
      const backoff = new Backoff({ min: 250 });
      let lostAt = 0;
      const opened = () => {
        backoff.reset();
        if (lostAt) notice(`tail: reconnected to ${target.url} after ${((Date.now() - lostAt) / 1000).toFixed(1)} s; lines logged meanwhile are not replayed`);
        lostAt = 0;
      };
      while (!stop.signal.aborted) {
        let why = "the control plane ended the log stream (stopped or restarted?)";
        try {
          for await (const line of client.logs(app, stop.signal, opened)) {
            if (args.json) process.stdout.write(line + "\n");
            else out.info(prettyLine(line, out, tag));
          }
        } catch (err) {
          if (stop.signal.aborted) break;
          if (!transient(err)) throw err;
          why = (err as Error).message;
        }
        if (stop.signal.aborted) break;
        const delay = backoff.next();
        if (!lostAt) notice(`tail: lost the control plane at ${target.url}: ${why}; reconnecting (Ctrl-C to stop)`);
        lostAt ||= Date.now();
        await sleep(delay, undefined, { signal: stop.signal }).catch(() => undefined);
      }
      return 0;
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
