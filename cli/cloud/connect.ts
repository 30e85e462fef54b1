// Opens a control plane client for a cloud command (URL and token from target.ts), runs the command's body
// with it, closes it, and turns API failures into one-line errors that say what to do next.
import { ApiError, ControlPlaneClient } from "../client/api-client.ts";
import type { CommandArgs } from "../command.ts";
import { loadAppConfig } from "../load-config.ts";
import { resolveTarget, type Target } from "./target.ts";

/** A control plane failure explained for the CLI user. */
export class CloudError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(message: string, status: number, code: string) {
    super(message);
    this.name = "CloudError";
    this.status = status;
    this.code = code;
  }
}

export function explain(err: ApiError, target: Target): CloudError {
  let message = err.message;
  if (err.status === 0) {
    message += `; is it running? Start one with \`outpost up\`, or point at yours with --control-plane <url> (this URL came from ${target.urlSource})`;
  } else if (err.status === 401) {
    message = `the control plane at ${target.url} refused the token from ${target.tokenSource}: ${err.message}; pass the right one with --token <token> or OUTPOST_TOKEN`;
  } else if (err.status === 403) {
    message = `${err.message} (token from ${target.tokenSource})`;
  } else if (err.code === "not_found" && /^app '/.test(err.message)) {
    message = `${err.message.replace(/ \(upload a version first.*\)$/, "")} on the control plane at ${target.url}; \`outpost deploy\` uploads and deploys it`;
  } else if (err.code === "nothing_to_roll_back") {
    message = `${err.message.replace(/; name one:.*$/, "")}; name a version: \`outpost rollback <version>\` (\`outpost versions\` lists them)`;
  } else {
    message = `${err.call} failed (${err.status} ${err.code}): ${err.message}`;
  }
  return new CloudError(message, err.status, err.code);
}

/** Runs `body` with a client of the command's control plane; API errors come out as CloudErrors. */
export async function withClient<T>(args: Pick<CommandArgs, "values" | "config">, body: (client: ControlPlaneClient, target: Target) => Promise<T>): Promise<T> {
  const target = resolveTarget(args);
  const client = new ControlPlaneClient(target.url, target.token);
  try {
    return await body(client, target);
  } catch (err) {
    throw err instanceof ApiError ? explain(err, target) : err;
  } finally {
    await client.close().catch(() => {});
  }
}

/** The app a command acts on: --app, else the name in the config (with --env). */
export async function appNameFor(args: CommandArgs): Promise<string> {
  if (typeof args.values.app === "string" && args.values.app) return args.values.app;
  try {
    return (await loadAppConfig(args)).name;
  } catch (err) {
    if ((err as Error).name === "ConfigError" && /not found/.test((err as Error).message)) {
      throw new CloudError(`which app? ${(err as Error).message.split(";")[0]}; run this in the app's directory or pass --app <name>`, 0, "no_app");
    }
    throw err;
  }
}
