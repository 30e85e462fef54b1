// Tests edge-node/metrics.ts by recording events and parsing the exposition text back: HELP/TYPE
// lines, counters per app and class, cumulative histogram buckets with _sum/_count, gauges,
// removeApp, and escaping of label values.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DURATION_BUCKETS, NodeMetrics, escapeLabelValue } from "./metrics.ts";

interface Sample { name: string; labels: Record<string, string>; value: number }
interface Parsed { help: Map<string, string>; type: Map<string, string>; samples: Sample[] }

/** A strict-enough parser of the text format: every line must be a comment or a well-formed sample. */
function parse(text: string): Parsed {
  assert.ok(text === "" || text.endsWith("\n"), "ends with a line feed");
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split("\n").slice(0, -1)) {
    let m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (m) {
      const target = m[1] === "HELP" ? help : type;
      assert.not.ok(target.has(m[2]), `one ${m[1]} line per family (${m[2]})`);
      target.set(m[2], m[3]);
      continue;
    }
    m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\} (\S+)$/.exec(line);
    assert.ok(m, `well-formed sample line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y;
    for (let lm = re.exec(m![2]); lm; lm = re.exec(m![2])) {
      labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
      if (lm[3] === "") break;
    }
    assert.is(re.lastIndex, m![2].length, `labels parse to the end: ${line}`);
    const value = m![3] === "+Inf" ? Infinity : Number(m![3]);
    assert.not.ok(Number.isNaN(value), `numeric value: ${line}`);
    samples.push({ name: m![1], labels, value });
  }
  return { help, type, samples };
}

function find(p: Parsed, name: string, labels: Record<string, string>): Sample[] {
  return p.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

function value(p: Parsed, name: string, labels: Record<string, string>): number | undefined {
  const found = find(p, name, labels);
  assert.ok(found.length <= 1, `at most one ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

test("an empty registry renders nothing; contentType is the text format", () => {
  const m = new NodeMetrics({ region: "eu-west" });
  assert.is(m.text(), "");
  assert.is(m.contentType, "text/plain; version=0.0.4; charset=utf-8");
});

test("requests: counters per app and class, HELP and TYPE once per family, region on every series", () => {
  const m = new NodeMetrics({ region: "eu-west" });
  m.request("a", 200, 0.001);
  m.request("a", 204, 0.002);
  m.request("a", 404, 0.003);
  m.request("a", 503, 0.004);
  m.request("b", 301, 0.0001);
  m.request("b", 0, 0.5); // no response status: "other"
  const p = parse(m.text());
  assert.is(p.type.get("outpost_requests_total"), "counter");
  assert.is(p.type.get("outpost_request_duration_seconds"), "histogram");
  assert.ok(p.help.get("outpost_requests_total")!.length > 0);
  assert.is(value(p, "outpost_requests_total", { app: "a", class: "2xx" }), 2);
  assert.is(value(p, "outpost_requests_total", { app: "a", class: "4xx" }), 1);
  assert.is(value(p, "outpost_requests_total", { app: "a", class: "5xx" }), 1);
  assert.is(value(p, "outpost_requests_total", { app: "a", class: "3xx" }), undefined, "unseen classes are not emitted");
  assert.is(value(p, "outpost_requests_total", { app: "b", class: "3xx" }), 1);
  assert.is(value(p, "outpost_requests_total", { app: "b", class: "other" }), 1);
  assert.ok(p.samples.every((s) => s.labels.region === "eu-west" && s.name.startsWith("outpost_")));
  for (const name of new Set(p.samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, "")))) {
    assert.ok(p.type.has(name) && p.help.has(name), `HELP and TYPE for ${name}`);
  }
});

test("histograms: cumulative buckets, +Inf equals _count, _sum is the total", () => {
  const m = new NodeMetrics({ region: "r" });
  const observed = [0.0001, 0.0005, 0.0007, 0.003, 0.2, 7, 42];
  for (const s of observed) m.request("a", 200, s);
  m.coldStart("a", 0.012);
  m.coldStart("a", 0.03);
  const p = parse(m.text());
  const buckets = find(p, "outpost_request_duration_seconds_bucket", { app: "a" });
  assert.equal(buckets.map((b) => b.labels.le), [...DURATION_BUCKETS.map(String), "+Inf"]);
  for (const b of buckets) {
    const le = b.labels.le === "+Inf" ? Infinity : Number(b.labels.le);
    assert.is(b.value, observed.filter((s) => s <= le).length, `bucket le=${b.labels.le}`);
  }
  assert.is(value(p, "outpost_request_duration_seconds_bucket", { app: "a", le: "0.0005" }), 2, "a value on a bound counts in it");
  assert.is(value(p, "outpost_request_duration_seconds_count", { app: "a" }), observed.length);
  assert.ok(Math.abs(value(p, "outpost_request_duration_seconds_sum", { app: "a" })! - observed.reduce((x, y) => x + y)) < 1e-9);
  assert.is(value(p, "outpost_cold_starts_total", { app: "a" }), 2);
  assert.is(p.type.get("outpost_cold_start_seconds"), "histogram");
  assert.is(value(p, "outpost_cold_start_seconds_bucket", { app: "a", le: "0.025" }), 1);
  assert.is(value(p, "outpost_cold_start_seconds_bucket", { app: "a", le: "0.05" }), 2);
  assert.is(value(p, "outpost_cold_start_seconds_count", { app: "a" }), 2);
});

test("gauges, evictions and limit kills", () => {
  const m = new NodeMetrics({ region: "r" });
  m.instances("a", 3, 1);
  m.instances("a", 5, 2); // last value wins
  m.eviction("a", "instance");
  m.eviction("a", "instance");
  m.eviction("b", "module");
  m.limitKill("a", "cpu");
  m.limitKill("a", "response_body");
  m.limitKill("a", "response_body");
  const p = parse(m.text());
  assert.is(p.type.get("outpost_instances_live"), "gauge");
  assert.is(value(p, "outpost_instances_live", { app: "a" }), 5);
  assert.is(value(p, "outpost_instances_idle", { app: "a" }), 2);
  assert.is(value(p, "outpost_instances_live", { app: "b" }), undefined, "no gauge before it is set");
  assert.is(value(p, "outpost_evictions_total", { app: "a", kind: "instance" }), 2);
  assert.is(value(p, "outpost_evictions_total", { app: "b", kind: "module" }), 1);
  assert.is(value(p, "outpost_limit_kills_total", { app: "a", limit: "cpu" }), 1);
  assert.is(value(p, "outpost_limit_kills_total", { app: "a", limit: "response_body" }), 2);
  assert.is(value(p, "outpost_limit_kills_total", { app: "a", limit: "memory" }), undefined);
  assert.throws(() => m.limitKill("a", "disk" as never), /unknown limit "disk"/);
});

test("removeApp drops every series of that app only", () => {
  const m = new NodeMetrics({ region: "r" });
  for (const app of ["a", "b"]) {
    m.request(app, 200, 0.01);
    m.coldStart(app, 0.01);
    m.instances(app, 1, 1);
    m.eviction(app, "instance");
    m.limitKill(app, "wall");
  }
  m.removeApp("a");
  m.removeApp("never-seen");
  const p = parse(m.text());
  assert.is(p.samples.filter((s) => s.labels.app === "a").length, 0);
  assert.ok(p.samples.filter((s) => s.labels.app === "b").length > 30);
  m.request("a", 200, 0.01);
  assert.is(value(parse(m.text()), "outpost_requests_total", { app: "a", class: "2xx" }), 1, "starts again from zero");
  m.removeApp("a");
  m.removeApp("b");
  assert.is(m.text(), "");
});

test("label values with quotes, backslashes and line feeds are escaped", () => {
  assert.is(escapeLabelValue(`a"b\\c\nd`), `a\\"b\\\\c\\nd`);
  const m = new NodeMetrics({ region: `r"1\\` });
  const app = `we"ird\\app\nname}`;
  m.request(app, 200, 0.01);
  const text = m.text();
  assert.not.ok(text.split("\n").some((l) => l.startsWith("name}")), "no raw line feed inside a label");
  const p = parse(text);
  assert.is(value(p, "outpost_requests_total", { app, class: "2xx" }), 1);
  assert.ok(p.samples.every((s) => s.labels.region === `r"1\\`));
});

test.run();
