// The conformance bench's tables: per check workerd's answer, Outpost's, same or not (and the reason when
// it is a known difference), then per check the cost per call on both with the ratio to workerd.
import type { Row } from "../../examples/conformance/compare.ts";
import { show } from "../../examples/conformance/compare.ts";
import { markdownTable } from "../lib/markdown.ts";

export interface Cost { check: string; calls: number; workerdUs: number | null; outpostUs: number | null; problem?: string }

export interface ConformanceReport {
  startedAt: string;
  workerd: string | null;
  commit: string;
  rows: Row[];
  costs: Cost[];
}

const us = (v: number | null) => (v === null ? "n/a" : v < 10 ? v.toFixed(2) : v.toFixed(0));

export function renderMarkdown(r: ConformanceReport): string {
  const same = r.rows.filter((x) => x.same).length;
  const out = [`## Web-API conformance: Outpost against workerd ${r.workerd ?? "(not run)"} (${r.commit})`, ""];
  out.push(`${same} of ${r.rows.length} checks give workerd's answer.`, "");
  const verdict = (x: Row) => (x.same ? "same" : x.known ? `differs (known: ${x.known})` : "DIFFERS");
  out.push(markdownTable(["check", "workerd", "Outpost", "same"], r.rows.map((x) => [x.check, show(x.workerd, 70), show(x.outpost, 70), verdict(x)])), "");
  if (r.costs.length) {
    const ratio = (c: Cost) => (c.workerdUs && c.outpostUs !== null ? (c.outpostUs / c.workerdUs).toFixed(2) : "n/a");
    const over = r.costs.filter((c) => c.workerdUs && c.outpostUs !== null && c.outpostUs > 2 * c.workerdUs && c.outpostUs - c.workerdUs > 5);
    out.push(`### Cost per call (µs, median; the empty check's request cost taken off)`, "");
    out.push(`${over.length} of ${r.costs.length} checks cost more than 2x workerd (and over 5 µs more)${over.length ? `: ${over.map((c) => c.check).join(", ")}` : ""}.`, "");
    out.push(markdownTable(["check", "calls/request", "workerd µs", "Outpost µs", "÷ workerd"], r.costs.map((c) => [c.check, String(c.calls), us(c.workerdUs), us(c.outpostUs), ratio(c)]), ["l", "r", "r", "r", "r"]), "");
    for (const c of r.costs.filter((c) => c.problem)) out.push(`- ${c.check} not timed: ${c.problem}`);
  }
  return out.join("\n");
}
