// Entry of the `outpost` CLI (bin.js calls main() on Node 26+): parses the global options, dispatches to
// cli/commands/<name>.ts, and turns any thrown error into `error: <message>` and exit code 1.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { CommandArgs, CommandModule, OptionsConfig } from "./command.ts";
import { createOutput } from "./output.ts";

const CONFIG_FILE = "wrangler-like.toml";

/** A mistake in how the command was called; printed without the OUTPOST_DEBUG hint. */
class UsageError extends Error {}

interface CommandEntry {
  summary: string;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  init: { summary: "create a new app in a directory", load: () => import("./commands/init.ts") },
  build: { summary: "build the app into dist/<name>.wasm and a manifest", load: () => import("./commands/build.ts") },
  dev: { summary: "run the app locally, rebuilding on change", load: () => loadByPath("./commands/dev.ts") },
  up: { summary: "run a control plane and three regions locally, deploy the app to them", load: () => import("./commands/up.ts") },
  deploy: { summary: "build, upload and deploy the app to every region", load: () => import("./commands/deploy.ts") },
  versions: { summary: "list the app's uploaded versions and which serve traffic", load: () => import("./commands/versions.ts") },
  rollback: { summary: "serve an earlier version again in every region", load: () => import("./commands/rollback.ts") },
  kv: { summary: "get, put, list or delete KV keys (replicated to every region)", load: () => import("./commands/kv.ts") },
  secret: { summary: "put, list or delete the app's secrets (replicated to every region)", load: () => import("./commands/secret.ts") },
  tail: { summary: "stream the app's logs from every region", load: () => import("./commands/tail.ts") },
  status: { summary: "regions, lag and the versions each app serves", load: () => import("./commands/status.ts") },
  bench: { summary: "run the benchmarks (bench/compare.ts)", load: () => import("./commands/bench.ts") },
};

/** Imports a command whose file may not exist in every checkout (a variable specifier keeps tsc quiet). */
async function loadByPath(specifier: string): Promise<CommandModule> {
  try {
    return (await import(specifier)) as CommandModule;
  } catch (err) {
    const e = err as { code?: string; url?: string; message?: string };
    if (e.code === "ERR_MODULE_NOT_FOUND" && e.message?.includes(specifier.slice(2))) {
      throw new UsageError(`this command is not available in this checkout (${specifier.slice(2)} is missing)`);
    }
    throw err;
  }
}

export const GLOBAL_OPTIONS: OptionsConfig = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  json: { type: "boolean" },
  config: { type: "string", short: "c" },
  env: { type: "string", short: "e" },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    "Usage: outpost <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    `  -c, --config <path>  config file (default ./${CONFIG_FILE})`,
    "  -e, --env <name>     use the [env.<name>] section of the config",
    "      --json           print a JSON result on stdout, for scripts",
    "  -h, --help           show help (`outpost <command> --help` for a command)",
    "  -v, --version        print the version",
  ].join("\n");
}

/** Finds the command name: the first positional that is not the value of a global option. */
function splitCommand(argv: string[]): { name?: string; before: string[]; rest: string[] } {
  const takesValue = new Set(Object.entries(GLOBAL_OPTIONS).flatMap(([long, o]) => (o.type === "string" ? [`--${long}`, ...(o.short ? [`-${o.short}`] : [])] : [])));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") break;
    if (takesValue.has(a)) i++;
    else if (!a.startsWith("-")) return { name: a, before: argv.slice(0, i), rest: argv.slice(i + 1) };
  }
  return { before: argv, rest: [] };
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const json = argv.includes("--json");
  const out = createOutput({ json });
  try {
    const { name, before, rest } = splitCommand(argv);
    const head = parseArgs({ args: before, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true }).values;
    if (head.version) {
      const { version } = (await import("../package.json", { with: { type: "json" } })).default as { version: string };
      out.info(`outpost ${version}`);
      out.result({ version });
      return 0;
    }
    if (name === undefined) {
      out.info(usage());
      return head.help ? 0 : 1;
    }
    const entry = COMMANDS[name];
    if (!entry) throw new UsageError(`unknown command "${name}"; the commands are: ${Object.keys(COMMANDS).join(", ")} (outpost --help)`);
    const mod = await entry.load();
    const parsed = parseArgs({
      args: [...before, ...rest],
      options: { ...GLOBAL_OPTIONS, ...mod.options },
      strict: mod.options !== undefined,
      allowPositionals: true,
    });
    const values = parsed.values as CommandArgs["values"];
    if (values.help) {
      out.info(mod.usage ?? `outpost ${name}: ${entry.summary}\n\n${usage()}`);
      return 0;
    }
    const args: CommandArgs = {
      positionals: parsed.positionals,
      values,
      argv: rest,
      json,
      config: resolve(typeof values.config === "string" ? values.config : CONFIG_FILE),
      env: typeof values.env === "string" ? values.env : undefined,
      out,
    };
    return (await mod.run(args)) ?? 0;
  } catch (err) {
    const e = err as Error & { code?: string };
    let message = e?.message ?? String(err);
    // node:util parseArgs errors: say which command's help to read.
    if (typeof e?.code === "string" && e.code.startsWith("ERR_PARSE_ARGS")) message += " (see outpost --help)";
    out.stepFail();
    process.stderr.write(`${out.red("error:")} ${message}\n`);
    if (process.env.OUTPOST_DEBUG === "1" && e?.stack) process.stderr.write(`${e.stack}\n`);
    else if (!(err instanceof UsageError) && !["BuildError", "ConfigError", "ConfigErrors", "ComponentError", "InitError", "CloudError", "TargetError", "PreflightError", "ApiError"].includes(e?.name ?? "")) {
      process.stderr.write(out.dim("(set OUTPOST_DEBUG=1 to see where this came from)") + "\n");
    }
    if (json) process.stdout.write(JSON.stringify({ error: { message, ...(e && "step" in e ? { step: (e as { step: string }).step } : {}) } }, null, 2) + "\n");
    return 1;
  }
}
