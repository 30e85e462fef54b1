// `outpost deploy [--percent N]`: builds the app, uploads the version to the control plane, deploys it
// to every region and shows each region's progress live and the propagation time; `--json` prints the
// final deployment document. Exits 1 when the deployment failed, naming the region and its error.
import { ApiError } from "../client/api-client.ts";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { withClient } from "../cloud/connect.ts";
import { deployApp } from "../cloud/deploy-app.ts";
import { TARGET_OPTIONS, TARGET_USAGE } from "../cloud/target.ts";
import { loadAppConfig } from "../load-config.ts";

export const options: OptionsConfig = {
  ...TARGET_OPTIONS,
  percent: { type: "string" },
  gradual: { type: "boolean" },
  force: { type: "boolean" },
};

export const usage = `Usage: outpost deploy [--percent <n> [--gradual]] [--force] [--config <path>] [--env <name>] [--json]

Builds the app (like \`outpost build\`), uploads the version to the control plane and deploys it to
every region: each region fetches the component, verifies its hash, compiles and warms it, then all
switch to it at once. Shows each region going pending → prepared → active, and the propagation time.
An unchanged build that already serves all traffic is not deployed again (unless --force).

Options:
  --percent <n>        gradual deploy: the new version gets n% of requests (1-99), the version
                       serving now keeps the rest (--gradual says the same, for clarity)
  --force              deploy even when this build already serves all traffic
  -c, --config <path>  config file (default ./wrangler-like.toml)
  -e, --env <name>     use the [env.<name>] section of the config
      --json           print the final deployment document (regions, states, times)

${TARGET_USAGE}`;

function parsePercent(args: CommandArgs): number | undefined {
  const raw = args.values.percent;
  if (raw === undefined) {
    if (args.values.gradual) throw new Error("--gradual needs the new version's share of traffic: --percent <n> (1-99)");
    return undefined;
  }
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`--percent must be an integer from 1 to 100, got "${String(raw)}"`);
  return n;
}

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const percent = parsePercent(args);
  const config = await loadAppConfig(args);
  return withClient(args, async (client, target) => {
    out.info(out.dim(`control plane ${target.url} (token from ${target.tokenSource})`));
    // Before building: is the control plane there, and does it take this token for this app? (404: a new app)
    await client.app(config.name).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    });
    const result = await deployApp({ config, client, out, percent, force: Boolean(args.values.force) });
    out.result(result.deployment);
    if (result.error) {
      process.stderr.write(`${out.red("error:")} ${result.error}\n`);
      return 1;
    }
    return 0;
  });
}
