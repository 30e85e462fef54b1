// The contract between cli/main.ts and each cli/commands/<name>.ts: what `run(args)` receives
// and the optional exports (`options`, `usage`) a command uses to declare its own flags and help.
import type { ParseArgsConfig } from "node:util";
import type { Output } from "./output.ts";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;
export type OptionValue = string | boolean | Array<string | boolean> | undefined;

export interface CommandArgs {
  /** Positional arguments after the command name. */
  positionals: string[];
  /** Every option value, global and the command's own, keyed by long name. */
  values: Record<string, OptionValue>;
  /** The raw arguments after the command name, for commands that parse their own. */
  argv: string[];
  /** --json: print one JSON document on stdout and nothing else there. */
  json: boolean;
  /** Absolute path of the config file: --config, default ./wrangler-like.toml. */
  config: string;
  /** --env: the [env.NAME] section to use. */
  env?: string;
  out: Output;
}

export interface CommandModule {
  /** Returns the exit code (default 0). Throw to fail: main prints `error: <message>` and exits 1. */
  run(args: CommandArgs): Promise<number | void> | number | void;
  /** The command's own flags (node:util parseArgs format); without it, unknown flags are let through. */
  options?: OptionsConfig;
  /** Help text shown by `outpost <command> --help`. */
  usage?: string;
}
