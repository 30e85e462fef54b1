// `outpost dev`: builds the app, serves it on http://127.0.0.1:8787 (a control plane and a single-region
// edge node in this process), prints its logs, and rebuilds and swaps in a new version on every source change.
import { formatLogLine } from "../../core/logs/line.ts";
import { startDev } from "../dev/session.ts";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { formatMs } from "../output.ts";

export const options: OptionsConfig = {
  port: { type: "string", short: "p" },
  host: { type: "string" },
  "no-watch": { type: "boolean" },
  threads: { type: "string" },
};

export const usage = `Usage: outpost dev [--port <n>] [--host <addr>] [--threads <n>] [--no-watch] [--config <path>] [--env <name>]

Builds the app and serves it locally, like one region of the edge, with its own control plane in
the same process: KV, queues, crons and secrets work as on the edge, their state kept under
.outpost/dev/. Source edits rebuild the app and swap the new version in without dropping requests
in flight. Secrets come from .dev.vars
(KEY=value lines) next to the config, or from the environment. Run the app's scheduled() handler
by hand with GET /__outpost/scheduled?cron=<expr> (open on dev servers only).

Options:
  -p, --port <n>     port to listen on (default 8787; 0 picks a free one)
      --host <addr>  address to bind (default 127.0.0.1)
      --threads <n>  runtime threads (default one per core, as an edge node)
      --no-watch     do not rebuild on changes
  -c, --config <path>, -e, --env <name>   as for every command`;

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const port = args.values.port === undefined ? 8787 : Number(args.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number from 0 to 65535, got "${args.values.port}"`);
  const threads = args.values.threads === undefined ? undefined : Number(args.values.threads);
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1 || threads > 64)) throw new Error(`--threads must be a whole number from 1 to 64, got "${args.values.threads}"`);
  const session = await startDev({
    configPath: args.config,
    env: args.env,
    port,
    threads,
    host: typeof args.values.host === "string" ? args.values.host : undefined,
    watch: !args.values["no-watch"],
    onLog: (line) => (args.json ? process.stdout.write(JSON.stringify(line) + "\n") : out.info(formatLogLine(line))),
    say: (message) => out.info(message),
    onBuild: (result, ms) => {
      if (!args.json) out.info(out.dim(result.steps.map((s) => `${s.name} ${formatMs(s.ms)}`).join(", ") + ` (total ${formatMs(ms)})`));
    },
  });
  out.info(`${out.green("ready")} ${session.url}  ${out.dim("(Ctrl-C to stop)")}`);
  if (args.json) process.stdout.write(JSON.stringify({ ready: session.url }) + "\n");
  await new Promise<void>((resolve) => {
    const stop = () => { process.off("SIGINT", stop); process.off("SIGTERM", stop); resolve(); };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  out.info("stopping: finishing requests in flight...");
  await session.close();
  return 0;
}
