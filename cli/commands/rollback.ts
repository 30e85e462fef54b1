// `outpost rollback [version]`: deploys an earlier version again (without one, the version set served
// before the current one) and follows it region by region like `outpost deploy`; `--json` prints the
// final deployment document. Exits 1 when the rollback did not activate.
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { appNameFor, withClient } from "../cloud/connect.ts";
import { summarize, watchDeployment } from "../cloud/progress.ts";
import { TARGET_OPTIONS, TARGET_USAGE } from "../cloud/target.ts";

export const options: OptionsConfig = { ...TARGET_OPTIONS, app: { type: "string" } };

export const usage = `Usage: outpost rollback [<version>] [--app <name>] [--config <path>] [--env <name>] [--json]

Serves an earlier version again, in every region at once (prepare, then activate, like a deploy).
Without a version, goes back to what was served before the current deployment.
\`outpost versions\` lists the versions.

Options:
  --app <name>         the app (default: the name in the config)
      --json           print the final deployment document

${TARGET_USAGE}`;

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  if (args.positionals.length > 1) throw new Error(`rollback takes at most one version, got ${args.positionals.join(" ")}`);
  const raw = args.positionals[0]?.replace(/^v/, "");
  const version = raw === undefined ? undefined : Number(raw);
  if (version !== undefined && !(Number.isInteger(version) && version >= 1)) {
    throw new Error(`the version must be a number like 3 or v3, got "${args.positionals[0]}" (see \`outpost versions\`)`);
  }
  const app = await appNameFor(args);
  return withClient(args, async (client) => {
    const first = await client.rollback(app, version);
    const deployment = await watchDeployment(client, first, out);
    const error = summarize(deployment, out);
    out.result(deployment);
    if (error) {
      process.stderr.write(`${out.red("error:")} ${error}\n`);
      return 1;
    }
    return 0;
  });
}
