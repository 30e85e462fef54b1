// The live status line of `outpost up`: every second, the control plane's status (regions connected,
// lag, the app's active versions) and each region's requests served (from its /_outpost/metrics), on
// one line redrawn in place on a TTY, or printed once per change otherwise. Other output goes through
// `print` so it never lands in the middle of the line.
import { request } from "undici";
import type { ControlPlaneClient } from "../client/api-client.ts";
import { versionSet } from "../cloud/format.ts";
import type { Output } from "../output.ts";

export interface StatusLine {
  /** Prints a whole line above the status line. */
  print(line: string, stream?: "stdout" | "stderr"): void;
  stop(): void;
}

const escapeLabel = (v: string) => v.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));

/** The app's `outpost_requests_total` summed over status classes, from Prometheus text. */
export function requestsServed(metrics: string, app: string): number {
  const label = `app="${escapeLabel(app)}"`;
  let total = 0;
  for (const line of metrics.split("\n")) {
    if (!line.startsWith("outpost_requests_total{")) continue;
    const close = line.indexOf("}");
    if (!line.slice(0, close).includes(label)) continue;
    const n = Number(line.slice(close + 1).trim().split(/\s+/)[0]);
    if (Number.isFinite(n)) total += n;
  }
  return total;
}

async function requestsOf(url: string, app: string): Promise<number | null> {
  try {
    const res = await request(`${url}/_outpost/metrics`, { headersTimeout: 900, bodyTimeout: 900 });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return null;
    }
    return requestsServed(await res.body.text(), app);
  } catch {
    return null;
  }
}

export async function statusText(client: ControlPlaneClient, regions: { name: string; url: string }[], app: string, out: Output): Promise<string> {
  const [status, counts] = await Promise.all([
    client.status().catch(() => null),
    Promise.all(regions.map((r) => requestsOf(r.url, app))),
  ]);
  const requests = regions.map((r, i) => `${r.name} ${counts[i] ?? out.red("down")}`).join(", ");
  if (!status) return `${out.red("control plane unreachable")} · requests ${requests}`;
  const ours = status.regions.filter((r) => regions.some((x) => x.name === r.name));
  const connected = ours.filter((r) => r.connected).length;
  const lag = Math.max(0, ...ours.map((r) => r.lag));
  const deployment = status.apps.find((a) => a.name === app)?.deployment;
  const regionsText = `${connected}/${regions.length} regions connected`;
  return [
    connected === regions.length ? out.green(regionsText) : out.red(regionsText),
    `lag ${lag}`,
    `${app} ${versionSet(deployment?.versions)}`,
    `requests ${requests}`,
  ].join(" · ");
}

export function startStatusLine(opts: { client: ControlPlaneClient; regions: { name: string; url: string }[]; app: string; out: Output; tty: boolean; everyMs?: number }): StatusLine {
  const { out, tty } = opts;
  let current = "";
  let stopped = false;
  let busy = false;
  const draw = () => {
    if (tty && current) process.stdout.write(`\r\x1b[2K${out.dim("●")} ${current}`);
  };
  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const text = await statusText(opts.client, opts.regions, opts.app, out);
      if (stopped) return;
      if (tty) {
        current = `${text}  ${out.dim(new Date().toTimeString().slice(0, 8))}`;
        draw();
      } else if (text !== current) {
        current = text;
        if (!out.json) process.stdout.write(`status: ${text}\n`);
      }
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), opts.everyMs ?? 1000);
  void tick();
  return {
    print(line, stream = "stdout") {
      if (tty && current) process.stdout.write("\r\x1b[2K");
      (stream === "stderr" ? process.stderr : process.stdout).write(line + "\n");
      draw();
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      if (tty && current) process.stdout.write("\r\x1b[2K");
    },
  };
}
