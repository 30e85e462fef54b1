// What `outpost bench` adds over the benches' own tables: finds the results files this run's benches wrote,
// and renders Outpost's cold start by layer as a Markdown table, and one SVG chart with that (log axis) and
// throughput by concurrency per system for every workload (the peers bench's panels).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { niceNumber } from "../lib/format.ts";
import { markdownTable } from "../lib/markdown.ts";
import { hbarPanel, svgDocument, type HBar } from "../lib/svg.ts";
import type { PeersReport } from "../peers/report.ts";
import { throughputPanels } from "../peers/svg.ts";
import { LAYER_TITLES, type LayerRow } from "./layers.ts";

/**
 * The newest `<bench>-<timestamp>.json` in `dir` stamped at or after `since` (the timestamps in the
 * names sort as text), parsed; null when the bench wrote none in this run.
 */
export function readResult<T>(dir: string, bench: string, since: string): { file: string; report: T } | null {
  const pattern = new RegExp(`^${bench}-(.+)\\.json$`);
  const names = readdirSync(dir).filter((n) => (pattern.exec(n)?.[1] ?? "") >= since).sort();
  const name = names.at(-1);
  if (!name) return null;
  const file = join(dir, name);
  return { file, report: JSON.parse(readFileSync(file, "utf8")) as T };
}

const ms = (x: number) => `${niceNumber(x)} ms`;

export function renderLayersMarkdown(rows: LayerRow[]): string {
  const body = rows.map((r) => [
    LAYER_TITLES[r.layer].split(" ")[0],
    r.label.trim(),
    r.value === null ? "n/a" : ms(r.value),
    r.value === null ? (r.missing ?? "") : r.spread === "p50 – p99" ? `p99 ${ms(r.hi!)}` : r.n > 1 ? `${ms(r.lo!)} – ${ms(r.hi!)}` : "–",
    String(r.n),
    r.source,
  ]);
  const legend = Object.values(LAYER_TITLES).join("; ");
  return `## Outpost cold start by layer\n\n${legend}. Methods: bench/README.md.\n\n${markdownTable(["layer", "measurement", "p50 / median", "p99 or min – max", "n", "source"], body, ["l", "l", "r", "r", "r", "l"])}\n`;
}

/** Layer rows as chart rows: a heading per layer, then its measurements. */
function layerBars(rows: LayerRow[]): HBar[] {
  const out: HBar[] = [];
  for (const layer of [1, 2, 3, 4] as const) {
    out.push({ label: LAYER_TITLES[layer], value: null, heading: true });
    for (const r of rows.filter((x) => x.layer === layer)) {
      const part = r.label.startsWith("  ");
      out.push({ label: r.label.trim(), value: r.value, lo: r.lo, hi: r.hi, color: part ? "#f0a58e" : "#e4572e", note: r.value === null ? r.missing : r.stat });
    }
  }
  return out;
}

export function renderCompareSvg(title: string, layers: LayerRow[], peers: PeersReport | null): string {
  const chartRows = layerBars(layers).map((b) => (b.value === null && !b.heading ? { ...b, note: (b.note ?? "not measured").slice(0, 90) } : b));
  const coldPanel = (top: number) => hbarPanel("Outpost cold start by layer (bar: p50 or median; whisker: p50 – p99 or min – max)", chartRows, top, { log: true, unit: "ms", labelWidth: 300 });
  return svgDocument(title, [coldPanel, ...(peers ? throughputPanels(peers) : [])]);
}
