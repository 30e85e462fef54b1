// `outpost versions`: the app's uploaded versions as a table (number, sha256 prefix, size, when uploaded,
// which serve traffic and their share); `--json` prints the control plane's list as is.
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { appNameFor, withClient } from "../cloud/connect.ts";
import { ago, table, versionSet } from "../cloud/format.ts";
import { TARGET_OPTIONS, TARGET_USAGE } from "../cloud/target.ts";
import { formatBytes } from "../output.ts";

export const options: OptionsConfig = { ...TARGET_OPTIONS, app: { type: "string" } };

export const usage = `Usage: outpost versions [--app <name>] [--config <path>] [--env <name>] [--json]

Lists the versions of the app uploaded to the control plane, newest last; "*" marks the versions
serving traffic, with their share.

Options:
  --app <name>         the app (default: the name in the config)
      --json           print {app, versions: [{version, sha256, size, uploadedAt, percent}], deployment}

${TARGET_USAGE}`;

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const app = await appNameFor(args);
  return withClient(args, async (client) => {
    const list = await client.versions(app);
    out.result(list);
    if (args.json) return 0;
    if (list.versions.length === 0) {
      out.info(`${app} has no versions yet; \`outpost deploy\` uploads one`);
      return 0;
    }
    const rows = list.versions.map((v) => [
      v.percent > 0 ? out.green("*") : " ",
      `v${v.version}`,
      v.sha256.slice(0, 12),
      formatBytes(v.size),
      `${new Date(v.uploadedAt).toISOString().replace("T", " ").slice(0, 19)}  ${out.dim(ago(v.uploadedAt))}`,
      v.percent > 0 ? out.green(`${v.percent}%`) : "",
    ]);
    out.info(table(["", "version", "sha256", "size", "uploaded (UTC)", "serving"], rows, { right: [3] }));
    out.info("");
    const d = list.deployment;
    out.info(d ? `${app} serves ${versionSet(d.versions)} ${out.dim(`(deployment ${d.id}, activated ${ago(d.activatedAt)})`)}` : `${app} serves nothing yet`);
    if (list.pendingDeployId) out.info(out.dim(`deployment ${list.pendingDeployId} is preparing`));
    return 0;
  });
}
