// Small text formatters the cloud commands share: aligned tables (colors do not count toward widths),
// "3 min ago" times, and how a deployment's version set reads ("v2" or "v2 90% + v3 10%").

const ANSI = /\x1b\[[0-9;]*m/g;

export const visibleLength = (s: string): number => s.replace(ANSI, "").length;

function pad(s: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(s)));
  return right ? fill + s : s + fill;
}

/** Rows under a header, columns separated by two spaces; `right` lists the right-aligned columns. */
export function table(header: string[], rows: string[][], opts: { right?: number[]; indent?: string } = {}): string {
  const widths = header.map((h, i) => Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ""))));
  const line = (cells: string[]) =>
    (opts.indent ?? "") + cells.map((c, i) => pad(c ?? "", widths[i], opts.right?.includes(i) ?? false)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** "12 s ago", "3 min ago", "5 h ago", "2 d ago"; "never" for 0. */
export function ago(ts: number, now: number = Date.now()): string {
  if (!ts) return "never";
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** "v2" for a plain deployment, "v2 90% + v3 10%" for a gradual one, "nothing" for none. */
export function versionSet(versions: { version: number; percent: number }[] | undefined | null): string {
  if (!versions || versions.length === 0) return "nothing";
  if (versions.length === 1 && versions[0].percent === 100) return `v${versions[0].version}`;
  return versions.map((v) => `v${v.version} ${v.percent}%`).join(" + ");
}
