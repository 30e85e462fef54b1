// `outpost up`: a local cloud for the project: starts a control plane and three edge regions as separate
// processes, builds and deploys the app to them, prints the URLs and a live status line, and on Ctrl-C
// (SIGINT/SIGTERM) stops every process cleanly and exits 0. Data and logs live in <project>/.outpost/.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ApiError, ControlPlaneClient } from "../client/api-client.ts";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { explain } from "../cloud/connect.ts";
import { deployApp, type DeployAppResult } from "../cloud/deploy-app.ts";
import { ADMIN_TOKEN_FILE } from "../cloud/target.ts";
import { removeUpState, writeUpState } from "../cloud/up-state.ts";
import { loadAppConfig } from "../load-config.ts";
import { formatMs } from "../output.ts";
import { LocalCluster, REGION_NAMES, REGION_PORT_OFFSET } from "../up/cluster.ts";
import { checkPorts, clearLeftovers } from "../up/preflight.ts";
import { startStatusLine, type StatusLine } from "../up/status-line.ts";

export const options: OptionsConfig = {
  "port-base": { type: "string" },
  threads: { type: "string" },
};

export const usage = `Usage: outpost up [--port-base <n>] [--threads <n>] [--config <path>] [--env <name>] [--json]

Runs a local cloud for this project: a control plane and three edge regions (${REGION_NAMES.join(", ")}),
each a separate process on 127.0.0.1; builds the app and deploys it to every region; prints the URLs
and a live status line (regions connected, lag, active version, requests served per region).
Ctrl-C stops everything. Meanwhile, in another terminal: outpost status | deploy | versions |
rollback | kv | tail (they find this control plane and its admin token on their own).

Data lives in .outpost/ next to the config (control-plane/, regions/<name>/, logs/<name>.log) and is
reused on the next run: the control plane and the regions restore their state.

Options:
  --port-base <n>      the control plane listens on n, the regions on n+${REGION_PORT_OFFSET}, n+${REGION_PORT_OFFSET + 1}, n+${REGION_PORT_OFFSET + 2}
                       (default 8780: 8780 and 8787-8789)
  --threads <n>        runtime worker threads per region (default 1)
  -c, --config <path>  config file (default ./wrangler-like.toml)
  -e, --env <name>     use the [env.<name>] section of the config
      --json           print one JSON document once everything is up: URLs and pids`;

class Interrupted extends Error {}

function intOption(args: CommandArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got "${String(raw)}"`);
  return n;
}

export async function run(args: CommandArgs): Promise<number> {
  const { out } = args;
  const portBase = intOption(args, "port-base", 8780, 1, 65535 - REGION_PORT_OFFSET - 2);
  const threads = intOption(args, "threads", 1, 1, 64);
  const config = await loadAppConfig(args);
  const outpostDir = join(config.dir, ".outpost");
  mkdirSync(join(outpostDir, "logs"), { recursive: true });
  await clearLeftovers(outpostDir, out);

  let status: StatusLine | null = null;
  let started = false;
  const say = (line: string, stream: "stdout" | "stderr" = "stdout") => {
    if (status) status.print(line, stream);
    else if (stream === "stderr" || !out.json) (stream === "stderr" ? process.stderr : process.stdout).write(line + "\n");
  };
  let interrupt!: (why: { code: number; message: string }) => void;
  const interrupted = new Promise<{ code: number; message: string }>((resolve) => (interrupt = resolve));
  const cluster = new LocalCluster({
    projectDir: config.dir, outpostDir, portBase, threads, host: "127.0.0.1",
    onError: (name, line) => say(`${out.red(`[${name}]`)} ${line}`, "stderr"),
    onUnexpectedExit: (name, how) => {
      const log = out.path(join(outpostDir, "logs", `${name}.log`));
      if (name === "control-plane") interrupt({ code: 1, message: `the control plane exited unexpectedly (${how}); its log: ${log}` });
      else if (started) say(`${out.red("error:")} region ${name} exited unexpectedly (${how}); its log: ${log}; the other regions keep serving`, "stderr");
    },
  });
  await checkPorts(cluster.ports(), "127.0.0.1");

  // A terminal's Ctrl-C may reach us twice (from the terminal and forwarded by npm or bin.js's re-exec):
  // only a signal more than a second after the first forces the kill.
  let firstSignalAt = 0;
  const onSignal = (signal: string) => {
    if (firstSignalAt && Date.now() - firstSignalAt < 1000) return;
    if (firstSignalAt) {
      say(`${signal} again: killing every process now`, "stderr");
      cluster.killNow();
      return;
    }
    firstSignalAt = Date.now();
    interrupt({ code: 0, message: signal });
  };
  const onSigint = () => onSignal("SIGINT");
  const onSigterm = () => onSignal("SIGTERM");
  const lastResort = () => cluster.killNow();
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.on("exit", lastResort);
  const race = <T>(p: Promise<T>): Promise<T> =>
    Promise.race([p, interrupted.then((why) => Promise.reject(new Interrupted(why.message, { cause: why })))]);

  let client: ControlPlaneClient | null = null;
  let code = 0;
  try {
    out.info(`${out.bold("Starting")} a control plane and ${REGION_NAMES.length} regions ${out.dim(`(data and logs in ${out.path(outpostDir)})`)}`);
    const t0 = performance.now();
    out.stepStart("control-plane");
    const cp = await race(cluster.startControlPlane());
    writeUpState(outpostDir, cluster.state());
    out.stepEnd("control-plane", performance.now() - t0, cp.url);
    const regions = await race(cluster.startRegions(cp.regionToken, (r, ms) => out.stepEnd(r.name, ms, r.url)));
    writeUpState(outpostDir, cluster.state());
    started = true;

    client = new ControlPlaneClient(cp.url, cp.adminToken);
    const target = { url: cp.url, urlSource: "outpost up", token: cp.adminToken, tokenSource: join(outpostDir, ADMIN_TOKEN_FILE) };
    let result: DeployAppResult | null = null;
    try {
      result = await race(deployApp({ config, client, out }));
      if (result.error) say(`${out.red("error:")} ${result.error}; the regions keep running: fix the app and run \`outpost deploy\``, "stderr");
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      out.stepFail();
      const e = err instanceof ApiError ? explain(err, target) : (err as Error);
      say(`${out.red("error:")} could not deploy ${config.name}: ${e.message}; the regions keep running: fix it and run \`outpost deploy\``, "stderr");
    }

    const width = Math.max(...regions.map((r) => r.name.length), "control plane".length);
    out.info("");
    out.info(`  ${"control plane".padEnd(width)}  ${cp.url}`);
    for (const r of regions) out.info(`  ${out.bold(r.name.padEnd(width))}  ${out.green(r.url)}`);
    out.info("");
    out.info(out.dim(`  up in ${formatMs(performance.now() - t0)}; logs in ${out.path(join(outpostDir, "logs"))}/; in another terminal: outpost status | deploy | tail | kv | versions | rollback`));
    out.info(out.dim("  Ctrl-C stops everything"));
    out.result({
      controlPlane: { url: cp.url, pid: cluster.controlPlane?.pid },
      regions,
      app: config.name,
      deployment: result?.deployment ?? null,
      logs: join(outpostDir, "logs"),
    });
    if (!out.json) status = startStatusLine({ client, regions, app: config.name, out, tty: Boolean(process.stdout.isTTY) });
    const why = await interrupted;
    code = why.code;
    if (why.code !== 0) say(`${out.red("error:")} ${why.message}; stopping the regions`, "stderr");
  } catch (err) {
    if (!(err instanceof Interrupted)) throw err;
    const why = err.cause as { code: number; message: string };
    code = why.code;
    if (why.code !== 0) say(`${out.red("error:")} ${why.message}`, "stderr");
  } finally {
    status?.stop();
    status = null;
    out.stepFail();
    out.info(out.dim("stopping the regions, then the control plane..."));
    const forced: string[] = [];
    await cluster.stop((name, how) => { if (how.includes("SIGKILL")) forced.push(name); });
    removeUpState(outpostDir);
    await client?.close().catch(() => {});
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
    process.off("exit", lastResort);
    if (forced.length) out.warn(`${forced.join(", ")} did not stop within 5 s and were killed`);
  }
  out.info(`${out.green("stopped")} the control plane and ${REGION_NAMES.length} regions`);
  return code;
}
