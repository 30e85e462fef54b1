// Build → upload → deploy → follow, shared by `outpost deploy` and `outpost up`: builds the app with the
// build pipeline, uploads the component and manifest (msgpack), starts a deployment (all traffic, or a
// gradual split with the version serving now) and follows it region by region until it settles.
import { readFile } from "node:fs/promises";
import type { ControlPlaneClient, DeploymentView, UploadResult } from "../client/api-client.ts";
import { buildApp } from "../../sdk/build/index.ts";
import type { AppConfig } from "../../sdk/config/index.ts";
import { formatBytes, formatMs, type Output } from "../output.ts";
import { CloudError } from "./connect.ts";
import { watchDeployment, summarize } from "./progress.ts";
import { warnMissingSecrets } from "../commands/secret.ts";

export interface DeployAppOptions {
  config: AppConfig;
  client: ControlPlaneClient;
  out: Output;
  /** 1-99: a gradual deploy, the new version gets this share and the version serving now the rest. */
  percent?: number;
  /** Deploy even when the build is unchanged and already serving everywhere. */
  force?: boolean;
}

export interface DeployAppResult {
  upload: UploadResult;
  /** The deployment as it settled (or the one already serving, when nothing had to change). */
  deployment: DeploymentView | null;
  /** Set when nothing was deployed because this build already serves all traffic. */
  unchanged: boolean;
  /** Why the deployment failed, naming the region; null when it activated. */
  error: string | null;
}

const BUILD_DETAIL: Record<string, string> = { bundle: "esbuild", wizer: "snapshot", "component-new": "wasm component" };

async function buildAndUpload(opts: DeployAppOptions): Promise<UploadResult> {
  const { config, client, out } = opts;
  out.info(`${out.bold("Building")} ${config.name}${config.env ? ` (env ${config.env})` : ""} ${out.dim(`from ${out.path(config.main)}`)}`);
  const t0 = performance.now();
  const built = await buildApp(config, { onProgress: (step, ms) => (ms === undefined ? out.stepStart(step, BUILD_DETAIL[step]) : out.stepEnd(step, ms)) });
  for (const w of built.warnings) out.warn(w);
  out.info(`${out.green("Built")} in ${formatMs(performance.now() - t0)}${built.cached ? out.dim(" (unchanged, from the cache)") : ""}`);
  const bytes = built.component ?? await readFile(built.wasmPath);
  out.stepStart("upload", formatBytes(bytes.length));
  const t1 = performance.now();
  const upload = await client.uploadVersionIfNew(config.name, built.manifest, async () => bytes);
  const what = upload.created ? `v${upload.version} · ${formatBytes(upload.size)} · sha256 ${upload.sha256.slice(0, 12)}` : `unchanged: same as v${upload.version}`;
  out.stepEnd("upload", performance.now() - t1, what);
  return upload;
}

/** The version set to deploy: the new version alone, or split with the one serving most traffic now. */
async function versionsToDeploy(opts: DeployAppOptions, version: number) {
  if (opts.percent === undefined || opts.percent === 100) return [{ version, percent: 100 }];
  const current = (await opts.client.versions(opts.config.name)).deployment;
  const base = [...(current?.versions ?? [])].filter((v) => v.version !== version).sort((a, b) => b.percent - a.percent)[0];
  if (!base) {
    throw new CloudError(
      current
        ? `this build is v${version}, which already serves all of ${opts.config.name}'s traffic: a gradual deploy splits traffic between it and a new version, so change the app first`
        : `${opts.config.name} serves nothing yet, and a gradual deploy splits traffic with the version serving now: deploy without --percent first`,
      0, "no_base_version",
    );
  }
  return [{ version: base.version, percent: 100 - opts.percent }, { version, percent: opts.percent }];
}

export async function deployApp(opts: DeployAppOptions): Promise<DeployAppResult> {
  const { config, client, out } = opts;
  const upload = await buildAndUpload(opts);
  await warnMissingSecrets(client, config.name, config.secrets, out);
  const versions = await versionsToDeploy(opts, upload.version);
  if (!opts.force && !upload.created && versions.length === 1) {
    const current = (await client.versions(config.name)).deployment;
    if (current && current.versions.length === 1 && current.versions[0].version === upload.version) {
      const deployment = await client.deployment(current.id);
      out.info(`${out.green("Unchanged")}: v${upload.version} already serves all traffic ${out.dim(`(deployment ${current.id}; --force deploys it again)`)}`);
      return { upload, deployment, unchanged: true, error: null };
    }
  }
  const first = await client.deploy(config.name, versions);
  const deployment = await watchDeployment(client, first, out);
  return { upload, deployment, unchanged: false, error: summarize(deployment, out) };
}
