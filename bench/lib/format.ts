// Numbers as the benches' charts and summary tables print them: three significant digits, thousands
// separators from 1,000 on, no trailing zeros (0.477, 7.8, 148, 1,568, 12,345).

export function niceNumber(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  const three = Number(x.toPrecision(3));
  return Math.abs(three) >= 1000 ? Math.round(x).toLocaleString("en-US") : String(three);
}
