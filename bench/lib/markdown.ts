// Renders rows of strings as a Markdown table with padded columns (plain text: it is meant to be pasted).

export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly ("l" | "r")[] = []): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const all = [headers.map(cell), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? "").length)));
  const pad = (s: string, i: number) => (align[i] === "r" ? s.padStart(widths[i]) : s.padEnd(widths[i]));
  const line = (r: readonly string[]) => `| ${r.map((s, i) => pad(s ?? "", i)).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (align[i] === "r" ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(all[0]), rule, ...all.slice(1).map(line)].join("\n");
}
