// `outpost status`: the control plane's view (admin token): every region with its URL, whether it
// follows the log now, its applied seq, lag and last contact; the log's head seq; every app and the
// versions it serves. `--json` prints the control plane's status document as is.
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { withClient } from "../cloud/connect.ts";
import { ago, table, versionSet } from "../cloud/format.ts";
import { TARGET_OPTIONS, TARGET_USAGE } from "../cloud/target.ts";

export const options: OptionsConfig = { ...TARGET_OPTIONS };

export const usage = `Usage: outpost status [--json]

Shows the control plane's regions (URL, connected, applied seq, lag behind the log's head, last
seen), the head seq of the change log, and each app with the versions it serves. Needs the admin
token.

Options:
      --json           print {head, regions: [...], apps: [...]} as the control plane answers it

${TARGET_USAGE}`;

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  return withClient(args, async (client, target) => {
    const s = await client.status();
    out.result(s);
    if (args.json) return 0;
    const connected = s.regions.filter((r) => r.connected).length;
    out.info(`${out.bold("Control plane")} ${target.url}  ${out.dim(`head seq ${s.head}`)}`);
    out.info("");
    if (s.regions.length === 0) {
      out.info("No region has registered yet: start edge nodes with --control-plane, or run `outpost up`.");
    } else {
      out.info(`${out.bold("Regions")} ${connected}/${s.regions.length} connected`);
      const rows = s.regions.map((r) => [
        r.name,
        r.url,
        r.connected ? out.green("yes") : out.red("no"),
        String(r.appliedSeq),
        r.lag === 0 ? "0" : out.red(String(r.lag)),
        ago(r.lastSeen),
      ]);
      out.info(table(["name", "url", "connected", "applied", "lag", "last seen"], rows, { right: [3, 4], indent: "  " }));
    }
    out.info("");
    if (s.apps.length === 0) {
      out.info("No apps yet: `outpost deploy` uploads and deploys one.");
    } else {
      out.info(out.bold("Apps"));
      const rows = s.apps.map((a) => [
        a.name,
        versionSet(a.deployment?.versions),
        a.deployment ? `${a.deployment.id}, ${ago(a.deployment.activatedAt)}` : "",
        `v${a.lastVersion}`,
        a.pendingDeployId ? `preparing ${a.pendingDeployId}` : "",
      ]);
      out.info(table(["name", "serving", "deployment", "latest", ""], rows, { indent: "  " }));
    }
    return 0;
  });
}
