// Draws the peers report as one standalone SVG a browser opens (bench/lib/svg.ts): horizontal bars of
// process start → first 200 per system (median, min–max whisker), then per workload grouped bars of req/s
// by concurrency, one bar per system. Both on log axes: jco serve is 10-100× off the others.
import { groupedBarPanel, hbarPanel, svgDocument, type Panel, type Series } from "../lib/svg.ts";
import type { SystemId } from "./options.ts";
import type { PeersReport } from "./report.ts";
import { SYSTEM_LABELS } from "./systems.ts";

export const SYSTEM_COLORS: Record<SystemId, string> = { outpost: "#e4572e", workerd: "#f6a01a", "edge-runtime": "#29335c", "jco-serve": "#7a9e7e", "node-http": "#669bbc" };

function coldPanel(r: PeersReport, top: number): Panel {
  const rows = r.cold.map((c) => ({
    label: SYSTEM_LABELS[c.system], value: c.startToFirst200Ms.median, lo: c.startToFirst200Ms.min, hi: c.startToFirst200Ms.max, color: SYSTEM_COLORS[c.system],
  }));
  return hbarPanel("Process start → first 200, hello-world (median; whisker: min – max)", rows, top, { log: true, unit: "ms" });
}

/** One panel per runnable workload: req/s by concurrency, a bar per system (with the n/a ones left out). */
export function throughputPanels(r: PeersReport): Array<(top: number) => Panel> {
  return r.workloads.filter((w) => w.runnable).map((w) => (top: number) => {
    const rows = r.load.filter((l) => l.workload === w.id);
    const series: Series[] = r.options.systems.filter((s) => rows.some((l) => l.system === s)).map((s) => ({ id: s, label: SYSTEM_LABELS[s], color: SYSTEM_COLORS[s] }));
    const na = r.na.filter((n) => n.workload === w.id);
    const note = [r.options.rounds > 1 ? `median over ${r.options.rounds} rounds; whisker: min – max` : "1 round", na.length ? `${na.map((n) => SYSTEM_LABELS[n.system]).join(", ")}: ${na[0].reason}` : ""];
    return groupedBarPanel(`req/s by concurrency: ${w.label}`, r.options.concurrency.map((c) => `concurrency ${c}`), series, (g, s) => {
      const row = rows.find((l) => l.system === s.id && l.concurrency === r.options.concurrency[g]);
      return row ? { value: row.requestsPerSecond.median, lo: row.requestsPerSecond.min, hi: row.requestsPerSecond.max } : null;
    }, top, { log: true, unit: "req/s", note: note.filter(Boolean).join("; ") });
  });
}

export function renderSvg(r: PeersReport): string {
  const head = `Outpost and peers, ${r.startedAt}; ${r.machine.cores} cores, ${r.machine.cpu}; load avg ${r.machine.load1AtStart.toFixed(2)} at start`;
  return svgDocument(head, [(top) => coldPanel(r, top), ...throughputPanels(r)]);
}
