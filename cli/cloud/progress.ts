// Follows a deployment live (`GET /v1/deployments/:id` every 100 ms) and shows each region going
// pending → prepared → active with its times, redrawn in place on a TTY or one line per change otherwise;
// then the total propagation time. Returns the last view; the caller decides what a failure means.
import type { ControlPlaneClient, DeploymentRegionRow, DeploymentView } from "../client/api-client.ts";
import { formatMs, type Output } from "../output.ts";
import { versionSet } from "./format.ts";

const POLL_MS = 100;
/** After `activate`, how long to wait for the live regions to report it (they report at most 1/s). */
const SETTLE_MS = 5000;

export interface WatchOptions {
  /** Redraw in place (default: stdout is a TTY and not --json). */
  tty?: boolean;
  /** Stop waiting for regions to report `active` after this long past activation. */
  settleMs?: number;
}

function rowText(out: Output, r: DeploymentRegionRow, width: number): string {
  const name = r.name.padEnd(width);
  const prep = r.prepareMs !== undefined ? `prepared in ${formatMs(r.prepareMs)}` : "";
  switch (r.state) {
    case "active":
      return `  ${out.green("✓")} ${name}  ${"active".padEnd(8)}  ${[prep, r.activeMs !== undefined ? `serving at ${formatMs(r.activeMs)}` : ""].filter(Boolean).join(" · ")}`;
    case "prepared":
      return `  ${out.dim("◐")} ${name}  ${"prepared".padEnd(8)}  ${[prep, r.ackMs !== undefined ? `acked at ${formatMs(r.ackMs)}` : ""].filter(Boolean).join(" · ")}`;
    case "failed":
      return `  ${out.red("✗")} ${name}  ${"failed".padEnd(8)}  ${r.error ?? ""}`;
    default:
      return `  ${out.dim("…")} ${name}  ${"pending".padEnd(8)}  ${r.live ? "" : out.dim("not connected: catches up when it returns")}`;
  }
}

const done = (d: DeploymentView) => d.state === "failed" || d.state === "superseded" || (d.state === "active" && d.regions.every((r) => r.state === "active" || !r.live));

export async function watchDeployment(client: ControlPlaneClient, first: DeploymentView, out: Output, opts: WatchOptions = {}): Promise<DeploymentView> {
  const tty = opts.tty ?? (!out.json && Boolean(process.stdout.isTTY));
  const settleMs = opts.settleMs ?? SETTLE_MS;
  let d = first;
  let drawn = 0;
  let last = "";
  const shown = new Map<string, string>();
  const render = () => {
    if (out.json) return;
    const width = Math.max(6, ...d.regions.map((r) => r.name.length));
    const lines = d.regions.map((r) => rowText(out, r, width));
    if (tty) {
      const text = lines.join("\n");
      if (text === last) return;
      last = text;
      let s = drawn ? `\x1b[${drawn}A` : "";
      for (const l of lines) s += `\r\x1b[2K${l}\n`;
      process.stdout.write(s);
      drawn = lines.length;
    } else {
      for (const r of d.regions) {
        const key = `${r.state}`;
        if (shown.get(r.name) === key) continue;
        shown.set(r.name, key);
        out.info(rowText(out, r, width).trimEnd());
      }
    }
  };
  out.info(`${out.bold(d.kind === "rollback" ? "Rolling back" : "Deploying")} ${d.app} ${versionSet(d.versions)} ${out.dim(`(deployment ${d.id})`)}`);
  render();
  const giveUpAt = Math.max(d.deadlineAt + 10_000, Date.now() + 15_000);
  while (!done(d)) {
    const activatedAt = d.activatedAt ?? null;
    if (activatedAt !== null && Date.now() - activatedAt > settleMs) break;
    if (Date.now() > giveUpAt) break;
    await new Promise((r) => setTimeout(r, POLL_MS));
    d = await client.deployment(d.id);
    render();
  }
  return d;
}

/** The closing lines: propagation time, or what went wrong. Returns the error message for a failure. */
export function summarize(d: DeploymentView, out: Output): string | null {
  const live = d.regions.filter((r) => r.live);
  const active = d.regions.filter((r) => r.state === "active");
  if (d.state === "failed" || d.state === "superseded") {
    const failed = d.regions.filter((r) => r.state === "failed").map((r) => `region ${r.name}: ${r.error ?? "failed"}`);
    const why = d.state === "superseded" ? `superseded by a newer deployment (${d.error ?? "another deploy started"})` : failed.join("; ") || d.error || "failed";
    return `deployment ${d.id} of ${d.app} ${versionSet(d.versions)} did not activate: ${why}; every region keeps serving what it served before`;
  }
  if (d.state === "preparing") {
    return `deployment ${d.id} is still preparing after its deadline; see \`outpost status\` and the regions' logs`;
  }
  const servingAt = Math.max(0, ...active.map((r) => r.activeMs ?? 0));
  out.info(
    `${out.green("Active")} ${d.app} ${versionSet(d.versions)} in ${active.length}/${d.regions.length} region(s): ` +
      `propagation ${d.propagationMs !== null ? formatMs(d.propagationMs) : "?"} ${out.dim("(prepare → activate)")}` +
      (servingAt ? `, all reported serving at ${formatMs(servingAt)} ${out.dim("(regions report once a second)")}` : ""),
  );
  if (d.timedOut.length) out.warn(`activated at the deadline without ${d.timedOut.join(", ")}: they catch up when they respond`);
  const behind = d.regions.filter((r) => r.state !== "active");
  if (behind.length) out.warn(`${behind.map((r) => `${r.name} (${r.live ? r.state : "not connected"})`).join(", ")} not serving it yet; they catch up through the log`);
  if (live.length === 0 && d.regions.length === 0) out.warn("no region is registered with this control plane yet: regions get this version when they connect");
  return null;
}
