// Loads the config a command was pointed at (--config, --env), saying how to create one when it is missing.
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { loadConfig, type AppConfig } from "../sdk/config/index.ts";
import type { CommandArgs } from "./command.ts";

export class MissingConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export async function loadAppConfig(args: Pick<CommandArgs, "config" | "env">): Promise<AppConfig> {
  if (!existsSync(args.config)) {
    const rel = relative(process.cwd(), args.config);
    const shown = rel && !rel.startsWith("..") ? rel : args.config;
    throw new MissingConfigError(`${shown} not found; run this in an app's directory, pass --config <path>, or create an app with \`outpost init <dir>\``);
  }
  return loadConfig(args.config, { env: args.env });
}
