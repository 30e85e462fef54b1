// Hand-rolled SVG charts for the benches' results (no chart library): horizontal bars with whiskers, one
// row per measurement, and bars grouped by category, each on a linear or log axis with labelled ticks, a
// legend, and a standalone document a browser opens. Every panel returns its markup and its height, so
// callers stack panels top to bottom.
import { niceNumber } from "./format.ts";

export const WIDTH = 960;
export const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
export const text = (x: number, y: number, s: string, attrs = "") => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
/** A rough text width at 12 px (10 px with small = true), to keep labels off each other. */
const textWidth = (s: string, small = false) => s.length * (small ? 5.6 : 6.6);

export interface Panel { svg: string; height: number }

/** Maps values to [0, length]; `ticks` are the values worth a grid line and a label. */
export interface Scale { map(v: number): number; ticks: number[]; max: number; min: number }

/** A round upper bound: 1, 2 or 5 × 10^k at or above x. */
function ceil125(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  return ([1, 2, 5, 10].find((m) => m * p >= x * (1 - 1e-9)) ?? 10) * p;
}

/** Linear from 0 to a round maximum at or above `max`. */
export function linearScale(max: number, length: number): Scale {
  const top = max > 0 ? ceil125(max) : 1;
  const step = ceil125(top / 5);
  const ticks: number[] = [];
  for (let v = 0; v <= top * (1 + 1e-9); v += step) ticks.push(v);
  return { map: (v) => (Math.max(0, v) / top) * length, ticks, min: 0, max: top };
}

/**
 * Log10 from the power of ten at or below `min` to a 1/2/5 bound at or above `max`: for values that span
 * orders of magnitude (0.3 ms beside 1.5 s; 50 req/s beside 15,000). Ticks at powers of ten, and at 2 and
 * 5 between them when the axis spans three decades or fewer.
 */
export function logScale(min: number, max: number, length: number): Scale {
  const lo = 10 ** Math.floor(Math.log10(Math.max(min, 1e-6)));
  const hi = Math.max(ceil125(Math.max(max, lo * 10)), lo * 10);
  const span = Math.log10(hi / lo);
  const ticks: number[] = [];
  for (let p = lo; p <= hi * (1 + 1e-9); p *= 10) {
    for (const m of span <= 3 ? [1, 2, 5] : [1]) if (p * m <= hi * (1 + 1e-9)) ticks.push(p * m);
  }
  return { map: (v) => (Math.log10(Math.min(Math.max(v, lo), hi) / lo) / span) * length, ticks, min: lo, max: hi };
}

export interface HBar {
  label: string;
  /** null: a row without a bar that says `note` (not measured, skipped). */
  value: number | null;
  /** Whisker ends (min – max, or p50 – p99). */
  lo?: number;
  hi?: number;
  color?: string;
  /** Shown after the value. */
  note?: string;
  /** A heading row: bold label, no bar. */
  heading?: boolean;
}

/** Horizontal bars, one per row, with whiskers and the value printed right of each bar. */
export function hbarPanel(title: string, rows: HBar[], top: number, opts: { log: boolean; unit: string; labelWidth?: number }): Panel {
  const parts = [text(20, top + 20, title, `class="h"`)];
  const x0 = opts.labelWidth ?? 300;
  const width = WIDTH - x0 - 150;
  const values = rows.flatMap((r) => (r.value === null ? [] : [r.value, r.lo ?? r.value, r.hi ?? r.value])).filter((v) => v > 0);
  if (!values.length) return { svg: parts.join("") + text(20, top + 44, "not measured"), height: 60 };
  const scale = opts.log ? logScale(Math.min(...values), Math.max(...values), width) : linearScale(Math.max(...values), width);
  const rowH = 24;
  const y0 = top + 34;
  const plotH = rows.length * rowH;
  for (const t of scale.ticks) {
    const x = x0 + scale.map(t);
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${y0}" y2="${y0 + plotH}" stroke="#e4e4e4"/>`);
    parts.push(text(x, y0 + plotH + 14, niceNumber(t), `class="s" text-anchor="middle"`));
  }
  parts.push(text(x0 + width, y0 + plotH + 28, `${opts.unit}${opts.log ? ", log scale" : ""}`, `class="s" text-anchor="end"`));
  rows.forEach((r, i) => {
    const y = y0 + i * rowH;
    if (r.heading) {
      parts.push(text(20, y + 16, r.label, `font-weight="600"`));
      return;
    }
    parts.push(text(x0 - 8, y + 16, r.label, `text-anchor="end"`));
    if (r.value === null) {
      parts.push(text(x0 + 6, y + 16, r.note ?? "not measured", `class="s" font-style="italic"`));
      return;
    }
    const w = Math.max(1, scale.map(r.value));
    parts.push(`<rect x="${x0}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${r.color ?? "#e4572e"}"/>`);
    if (r.lo !== undefined && r.hi !== undefined && r.hi > r.lo) {
      const [a, b] = [x0 + scale.map(r.lo), x0 + scale.map(r.hi)];
      parts.push(`<line x1="${a.toFixed(1)}" x2="${b.toFixed(1)}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="#222" stroke-width="1.5"/>`);
      parts.push(`<line x1="${b.toFixed(1)}" x2="${b.toFixed(1)}" y1="${y + 8}" y2="${y + rowH - 8}" stroke="#222"/>`);
    }
    const label = `${niceNumber(r.value)} ${opts.unit}${r.note ? ` ${r.note}` : ""}`;
    parts.push(text(x0 + Math.max(w, r.hi !== undefined ? scale.map(r.hi) : 0) + 6, y + 16, label, `class="s"`));
  });
  parts.push(`<line x1="${x0}" x2="${x0}" y1="${y0}" y2="${y0 + plotH}" stroke="#888"/>`);
  return { svg: parts.join(""), height: 34 + plotH + 40 };
}

export interface Series { id: string; label: string; color: string }
export interface GroupValue { value: number; lo?: number; hi?: number }

/**
 * Vertical bars: one group per category (e.g. a concurrency), one bar per series in it, value on top.
 * Under the title, a small line: the unit and axis, then `note`.
 */
export function groupedBarPanel(title: string, groups: string[], series: Series[], value: (group: number, series: Series) => GroupValue | null, top: number, opts: { log: boolean; unit: string; note?: string }): Panel {
  const parts = [text(20, top + 20, title, `class="h"`), text(20, top + 36, [`${opts.unit}${opts.log ? ", log axis" : ""}`, opts.note].filter(Boolean).join("; "), `class="s"`)];
  const cells = groups.flatMap((_, g) => series.map((s) => value(g, s))).filter((v): v is GroupValue => v !== null && v.value > 0);
  if (!cells.length) return { svg: parts.join("") + text(20, top + 44, "not measured"), height: 60 };
  const x0 = 80;
  const plotW = WIDTH - x0 - 30;
  const plotH = 200;
  const y0 = top + 50 + plotH;
  const all = cells.flatMap((c) => [c.value, c.hi ?? c.value, c.lo ?? c.value]).filter((v) => v > 0);
  const scale = opts.log ? logScale(Math.min(...all), Math.max(...all), plotH) : linearScale(Math.max(...all), plotH);
  for (const t of scale.ticks) {
    const y = y0 - scale.map(t);
    parts.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#e4e4e4"/>`, text(x0 - 6, y + 4, niceNumber(t), `class="s" text-anchor="end"`));
  }
  const groupW = plotW / groups.length;
  const barW = Math.min(56, (groupW - 24) / series.length);
  groups.forEach((g, gi) => {
    const gx = x0 + gi * groupW + (groupW - barW * series.length) / 2;
    parts.push(text(x0 + gi * groupW + groupW / 2, y0 + 18, g, `text-anchor="middle"`));
    series.forEach((s, si) => {
      const v = value(gi, s);
      if (!v || !(v.value > 0)) return;
      const h = Math.max(1, scale.map(v.value));
      const x = gx + si * barW;
      const cx = x + (barW - 4) / 2;
      parts.push(`<rect x="${x.toFixed(1)}" y="${(y0 - h).toFixed(1)}" width="${(barW - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${esc(`${s.label}, ${g}: ${niceNumber(v.value)} ${opts.unit}`)}</title></rect>`);
      if (v.lo !== undefined && v.hi !== undefined && v.hi > v.lo) {
        parts.push(`<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${(y0 - scale.map(v.lo)).toFixed(1)}" y2="${(y0 - scale.map(v.hi)).toFixed(1)}" stroke="#222"/>`);
      }
      const label = niceNumber(v.value);
      // Labels wider than the bar would run into the neighbour's: stand them on end instead.
      const above = y0 - Math.max(h, v.hi !== undefined ? scale.map(v.hi) : 0) - 4;
      parts.push(textWidth(label, true) <= barW - 2
        ? text(cx, above, label, `class="s" text-anchor="middle"`)
        : `<text transform="translate(${(cx + 3).toFixed(1)},${above.toFixed(1)}) rotate(-90)" class="s">${esc(label)}</text>`);
    });
  });
  parts.push(`<line x1="${x0}" x2="${x0 + plotW}" y1="${y0}" y2="${y0}" stroke="#888"/>`);
  const leg = legend(series, x0, y0 + 32);
  return { svg: parts.join("") + leg.svg, height: 50 + plotH + 32 + leg.height };
}

/** Colour swatches with labels, wrapped onto as many lines as they need. */
export function legend(series: Series[], x0: number, top: number): Panel {
  const parts: string[] = [];
  let x = x0;
  let y = top;
  for (const s of series) {
    const w = 22 + textWidth(s.label, true) + 18;
    if (x + w > WIDTH - 20 && x > x0) { x = x0; y += 18; }
    parts.push(`<rect x="${x.toFixed(1)}" y="${y - 10}" width="12" height="12" fill="${s.color}"/>`, text(x + 16, y, s.label, `class="s"`));
    x += w;
  }
  return { svg: parts.join(""), height: y - top + 20 };
}

/** A standalone SVG document: white background, a title line, the panels stacked from y = 50. */
export function svgDocument(title: string, panels: Array<(top: number) => Panel>): string {
  let y = 50;
  const body: string[] = [];
  for (const panel of panels) {
    const p = panel(y);
    body.push(p.svg);
    y += p.height + 10;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y + 10}" viewBox="0 0 ${WIDTH} ${y + 10}" font-family="system-ui, sans-serif" font-size="12">
<style>.h{font-size:14px;font-weight:600}.s{font-size:10px;fill:#444}.t{font-size:16px;font-weight:700}</style>
<rect width="100%" height="100%" fill="#fff"/>
${text(20, 28, title, `class="t"`)}
${body.join("\n")}
</svg>
`;
}
