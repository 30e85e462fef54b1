// Draws the peers report as one standalone SVG a browser opens: horizontal bars of process start → first
// 200 per system (median, with a min–max whisker), then per workload grouped bars of req/s by concurrency.
import type { PeersReport, Spread } from "./report.ts";
import type { SystemId } from "./options.ts";
import { SYSTEM_LABELS } from "./systems.ts";

const COLORS: Record<SystemId, string> = { outpost: "#e4572e", workerd: "#f6a01a", "edge-runtime": "#29335c", "jco-serve": "#7a9e7e", "node-http": "#669bbc" };
const W = 960;
const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
const num = (x: number) => (x >= 1000 ? Math.round(x).toLocaleString("en-US") : x >= 10 ? x.toFixed(0) : x.toFixed(1));
const text = (x: number, y: number, s: string, attrs = "") => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

/** A round upper bound for an axis. */
function niceMax(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  return ([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * p >= x) ?? 10) * p;
}

function coldPanel(r: PeersReport, top: number): [string, number] {
  const rows = r.cold;
  const parts: string[] = [text(20, top + 20, "Process start → first 200, hello-world (ms, median; whisker: min – max)", `class="h"`)];
  if (!rows.length) return [parts.join("") + text(20, top + 44, "not measured"), 60];
  const x0 = 260;
  const width = W - x0 - 90;
  const max = niceMax(Math.max(...rows.map((c) => c.startToFirst200Ms.max)));
  const scale = (v: number) => (v / max) * width;
  rows.forEach((c, i) => {
    const y = top + 36 + i * 28;
    const s: Spread = c.startToFirst200Ms;
    parts.push(text(x0 - 8, y + 14, SYSTEM_LABELS[c.system], `text-anchor="end"`));
    parts.push(`<rect x="${x0}" y="${y}" width="${Math.max(1, scale(s.median)).toFixed(1)}" height="20" fill="${COLORS[c.system]}"/>`);
    if (s.n > 1) parts.push(`<line x1="${(x0 + scale(s.min)).toFixed(1)}" x2="${(x0 + scale(s.max)).toFixed(1)}" y1="${y + 10}" y2="${y + 10}" stroke="#222" stroke-width="1.5"/>`);
    parts.push(text(x0 + Math.max(scale(s.median), scale(s.max)) + 6, y + 14, `${num(s.median)} ms`));
  });
  const h = 36 + rows.length * 28 + 8;
  parts.push(`<line x1="${x0}" x2="${x0}" y1="${top + 32}" y2="${top + h}" stroke="#888"/>`);
  parts.push(text(x0, top + h + 14, "0", `class="s"`), text(x0 + width, top + h + 14, `${num(max)} ms`, `class="s" text-anchor="end"`));
  return [parts.join(""), h + 24];
}

function loadPanel(r: PeersReport, workload: string, label: string, top: number): [string, number] {
  const rows = r.load.filter((l) => l.workload === workload);
  const parts: string[] = [text(20, top + 20, `req/s by concurrency: ${label} (median over rounds; whisker: min – max)`, `class="h"`)];
  if (!rows.length) return [parts.join("") + text(20, top + 44, "not measured"), 60];
  const systems = r.options.systems.filter((s) => rows.some((l) => l.system === s));
  const concs = r.options.concurrency;
  const x0 = 80;
  const plotW = W - x0 - 30;
  const plotH = 200;
  const y0 = top + 40 + plotH;
  const max = niceMax(Math.max(...rows.map((l) => l.requestsPerSecond.max)));
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = y0 - (plotH * i) / 4;
    parts.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${y}" y2="${y}" stroke="#ddd"/>`, text(x0 - 6, y + 4, num(v), `class="s" text-anchor="end"`));
  }
  const groupW = plotW / concs.length;
  const barW = Math.min(48, (groupW - 30) / systems.length);
  concs.forEach((c, gi) => {
    const gx = x0 + gi * groupW + (groupW - barW * systems.length) / 2;
    parts.push(text(x0 + gi * groupW + groupW / 2, y0 + 18, `concurrency ${c}`, `text-anchor="middle"`));
    systems.forEach((s, si) => {
      const row = rows.find((l) => l.system === s && l.concurrency === c);
      if (!row) return;
      const h = (row.requestsPerSecond.median / max) * plotH;
      const x = gx + si * barW;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(y0 - h).toFixed(1)}" width="${(barW - 3).toFixed(1)}" height="${Math.max(1, h).toFixed(1)}" fill="${COLORS[s]}"><title>${esc(`${SYSTEM_LABELS[s]}, c${c}: ${num(row.requestsPerSecond.median)} req/s`)}</title></rect>`);
      const rs = row.requestsPerSecond;
      const cx = x + (barW - 3) / 2;
      if (rs.n > 1) parts.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${(y0 - (rs.min / max) * plotH).toFixed(1)}" y2="${(y0 - (rs.max / max) * plotH).toFixed(1)}" stroke="#222" stroke-width="1"/>`);
      parts.push(text(cx, y0 - Math.max(h, (rs.max / max) * plotH) - 4, num(rs.median), `class="s" text-anchor="middle"`));
    });
  });
  parts.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${y0}" y2="${y0}" stroke="#888"/>`);
  let lx = x0;
  for (const s of systems) {
    parts.push(`<rect x="${lx}" y="${y0 + 30}" width="12" height="12" fill="${COLORS[s]}"/>`, text(lx + 16, y0 + 40, SYSTEM_LABELS[s], `class="s"`));
    lx += 24 + SYSTEM_LABELS[s].length * 6.2;
  }
  return [parts.join(""), 40 + plotH + 60];
}

export function renderSvg(r: PeersReport): string {
  const panels: string[] = [];
  let y = 50;
  const [cold, ch] = coldPanel(r, y);
  panels.push(cold);
  y += ch;
  for (const w of r.workloads.filter((w) => w.runnable)) {
    const [p, h] = loadPanel(r, w.id, w.label, y);
    panels.push(p);
    y += h;
  }
  const head = `Outpost and peers, ${r.startedAt}; ${r.machine.cores} cores, ${r.machine.cpu}; load avg ${r.machine.load1AtStart.toFixed(2)} at start`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + 20}" viewBox="0 0 ${W} ${y + 20}" font-family="system-ui, sans-serif" font-size="12">
<style>.h{font-size:14px;font-weight:600}.s{font-size:10px;fill:#444}.t{font-size:16px;font-weight:700}</style>
<rect width="100%" height="100%" fill="#fff"/>
${text(20, 28, head, `class="t"`)}
${panels.join("\n")}
</svg>
`;
}
