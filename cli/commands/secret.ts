// `outpost secret put|list|delete`: the app's secrets on the control plane, like `wrangler secret`.
// `put NAME` reads the value from stdin when it is piped, else asks for it on the terminal without
// echoing it; values are never printed. A change reaches every region through the log, and each
// reloads the version it serves with the new value (requests in flight finish with the old one).
// Also the deploy-time check that the secrets a build declares are set.
import type { ControlPlaneClient } from "../client/api-client.ts";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { appNameFor, CloudError, withClient } from "../cloud/connect.ts";
import { ago, table } from "../cloud/format.ts";
import { TARGET_OPTIONS, TARGET_USAGE } from "../cloud/target.ts";
import { loadAppConfig } from "../load-config.ts";
import type { Output } from "../output.ts";

export const options: OptionsConfig = { ...TARGET_OPTIONS, app: { type: "string" } };

export const usage = `Usage: outpost secret <put|list|delete> [NAME] [options]

  outpost secret put NAME      sets NAME: the value is read from stdin when piped
                               (printf %s "$VALUE" | outpost secret put NAME), else typed, hidden
  outpost secret list          the app's secret names and when each changed (never the values)
  outpost secret delete NAME

Names are identifiers (letters, digits and _); values at most 5 KiB. The app sees a secret in env
when its config declares the name (\`secrets = ["NAME"]\` in wrangler-like.toml), as \`outpost dev\`
does with .dev.vars. A change reaches every region, which reloads the version it serves with it.

Options:
  --app <name>                          the app (default: the name in the config)
  -c, --config <path>, -e, --env <name> the config (and [env.<name>] section) naming the app
      --json                            print the control plane's answer as JSON

${TARGET_USAGE}`;

const SUBCOMMANDS = ["put", "list", "delete"];

/** A mistake in how the command was called: a one-line error, without the debugging hint. */
const misuse = (message: string) => new CloudError(message, 0, "usage");

/** Reads a line from the terminal without echoing it (raw mode); Ctrl-C or Ctrl-D cancels. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    const done = (err: Error | null) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString("utf8")) {
        if (ch === "\r" || ch === "\n") return done(null);
        if (ch === "\u0003" || ch === "\u0004") return done(new Error("cancelled: no secret was set"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

async function readValue(name: string): Promise<string> {
  if (process.stdin.isTTY) return promptHidden(`Enter the value of ${name} (hidden): `);
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, ""); // `echo value |` adds one newline
}

/** The secret names the config declares, or null without a config (e.g. with --app elsewhere). */
async function declared(args: CommandArgs): Promise<string[] | null> {
  try {
    return (await loadAppConfig(args)).secrets;
  } catch {
    return null;
  }
}

/** Warns about declared secrets the control plane has no value for (a deploy goes on without them). */
export async function warnMissingSecrets(client: ControlPlaneClient, app: string, names: string[], out: Output): Promise<string[]> {
  if (names.length === 0) return [];
  const set = new Set((await client.secrets(app).catch(() => ({ secrets: [] }))).secrets.map((s) => s.name));
  const missing = names.filter((n) => !set.has(n));
  if (missing.length) out.warn(`${app} declares secret(s) with no value on the control plane: ${missing.join(", ")}; the app sees them as undefined until you run \`outpost secret put <NAME>\``);
  return missing;
}

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const [sub, name, ...extra] = args.positionals;
  if (!sub || !SUBCOMMANDS.includes(sub)) throw misuse(`${sub ? `unknown secret command "${sub}"` : "missing the secret command"}: use one of ${SUBCOMMANDS.join(", ")} (outpost secret --help)`);
  if (sub !== "list" && !name) throw misuse(`outpost secret ${sub} needs the secret's name: outpost secret ${sub} <NAME>`);
  if (extra.length || (sub === "list" && name)) throw misuse(`too many arguments for outpost secret ${sub}${sub === "put" ? " (the value comes from stdin or the prompt, not the command line)" : ""}`);
  const app = await appNameFor(args);
  return withClient(args, async (client, target) => {
    if (sub === "list") {
      const r = await client.secrets(app);
      out.result(r);
      if (r.secrets.length === 0) out.info(out.dim(`${app} has no secrets on ${target.url}`));
      else out.info(table(["NAME", "UPDATED"], r.secrets.map((s) => [s.name, ago(s.updatedAt)])));
      return 0;
    }
    if (sub === "delete") {
      const r = await client.secretDelete(app, name);
      out.result(r);
      out.info(`${out.green("Deleted")} secret ${name} of ${app} ${out.dim(`(seq ${r.seq}; every region reloads the app without it)`)}`);
      return 0;
    }
    const names = await declared(args);
    if (names && !names.includes(name)) out.warn(`${name} is not in the secrets of ${out.path(args.config)}: the app will not see it until it is declared there (secrets = ["${name}"]) and deployed`);
    const value = await readValue(name);
    if (value === "") throw misuse(`the value of ${name} is empty: pipe it in (printf %s "$VALUE" | outpost secret put ${name}) or run this in a terminal to type it`);
    const r = await client.secretPut(app, name, value);
    out.result(r);
    out.info(`${out.green(r.created ? "Created" : "Updated")} secret ${name} of ${app} ${out.dim(`(seq ${r.seq}; every region reloads the app with it)`)}`);
    return 0;
  });
}
