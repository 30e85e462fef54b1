// Per-app metrics of one edge node, written in the Prometheus text exposition format (0.0.4).
// Recording is a Map lookup plus a few numeric increments on preallocated arrays: no strings are
// built and nothing is allocated per request; label text is escaped once per app and the exposition
// is rendered only when scraped. Why not prom-client: its labelled inc()/observe() build a
// `key:value,` hash string on every call (util.hashObject), which is the per-request cost avoided here.
// Series appear once recorded (as with prom-client); every series carries `app` and `region` labels.

/** Upper bounds (seconds) of the request and cold-start histograms; +Inf is implicit. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const CLASSES = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"] as const;
const EVICTION_KINDS = ["instance", "module"] as const;
const LIMITS = ["cpu", "memory", "wall", "subrequests", "request_body", "response_body"] as const;

export type EvictionKind = (typeof EVICTION_KINDS)[number];
export type LimitKind = (typeof LIMITS)[number];

const HELP = {
  requests_total: "Requests served, by app and status class.",
  request_duration_seconds: "Time from request start to response end, by app.",
  cold_starts_total: "Requests that had to create a new instance, by app.",
  cold_start_seconds: "Time to create and start a new instance, by app.",
  instances_live: "Instances alive (busy or idle), by app.",
  instances_idle: "Instances idle and ready for a request, by app.",
  evictions_total: "Instances or compiled modules evicted, by app and kind.",
  limit_kills_total: "Requests stopped because they hit a limit, by app and limit.",
} as const;

const TYPES: Record<keyof typeof HELP, "counter" | "gauge" | "histogram"> = {
  requests_total: "counter", request_duration_seconds: "histogram", cold_starts_total: "counter",
  cold_start_seconds: "histogram", instances_live: "gauge", instances_idle: "gauge",
  evictions_total: "counter", limit_kills_total: "counter",
};

const PREFIX = "outpost_";

interface Histogram {
  /** Per-bucket (not cumulative) counts; the last slot is the +Inf bucket. */
  counts: Float64Array;
  sum: number;
  count: number;
}

interface AppSeries {
  /** `app="…",region="…"`, escaped once. */
  labels: string;
  classes: Float64Array;
  duration: Histogram;
  coldStarts: number;
  coldStart: Histogram;
  live: number;
  idle: number;
  gaugesSet: boolean;
  evictions: Float64Array;
  limitKills: Float64Array;
}

/** Escapes a label value: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

function newHistogram(): Histogram {
  return { counts: new Float64Array(DURATION_BUCKETS.length + 1), sum: 0, count: 0 };
}

function observe(h: Histogram, value: number): void {
  if (value !== value) return; // NaN would poison the sum
  let i = 0;
  while (i < DURATION_BUCKETS.length && value > DURATION_BUCKETS[i]) i++;
  h.counts[i]++;
  h.sum += value;
  h.count++;
}

function formatValue(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v); // NaN stays "NaN"; exponents like 1e-7 are valid in the format
}

const LE = [...DURATION_BUCKETS.map((b) => String(b)), "+Inf"];

export class NodeMetrics {
  readonly contentType = "text/plain; version=0.0.4; charset=utf-8";
  readonly region: string;
  #region: string;
  #apps = new Map<string, AppSeries>();

  constructor(opts: { region: string }) {
    this.region = opts.region;
    this.#region = escapeLabelValue(opts.region);
  }

  #series(app: string): AppSeries {
    let s = this.#apps.get(app);
    if (s === undefined) {
      s = {
        labels: `app="${escapeLabelValue(app)}",region="${this.#region}"`,
        classes: new Float64Array(CLASSES.length), duration: newHistogram(),
        coldStarts: 0, coldStart: newHistogram(), live: 0, idle: 0, gaugesSet: false,
        evictions: new Float64Array(EVICTION_KINDS.length), limitKills: new Float64Array(LIMITS.length),
      };
      this.#apps.set(app, s);
    }
    return s;
  }

  /** One finished request: its status (class 1xx..5xx, anything else "other") and duration. */
  request(app: string, status: number, seconds: number): void {
    const s = this.#series(app);
    const c = (status / 100) | 0;
    s.classes[c >= 1 && c <= 5 ? c : 0]++;
    observe(s.duration, seconds);
  }

  coldStart(app: string, seconds: number): void {
    const s = this.#series(app);
    s.coldStarts++;
    observe(s.coldStart, seconds);
  }

  instances(app: string, live: number, idle: number): void {
    const s = this.#series(app);
    s.live = live;
    s.idle = idle;
    s.gaugesSet = true;
  }

  eviction(app: string, kind: EvictionKind): void {
    this.#series(app).evictions[kind === "instance" ? 0 : 1]++;
  }

  limitKill(app: string, limit: LimitKind): void {
    const i = LIMITS.indexOf(limit);
    if (i < 0) throw new Error(`unknown limit "${limit}" (expected one of ${LIMITS.join(", ")})`);
    this.#series(app).limitKills[i]++;
  }

  /** Drops every series of an app (undeployed); it starts from zero if it records again. */
  removeApp(app: string): void {
    this.#apps.delete(app);
  }

  /** The exposition text: families in a fixed order, apps in first-seen order within each. */
  text(): string {
    const out: string[] = [];
    const apps = [...this.#apps.values()];
    let lines: string[] = [];
    const family = (name: keyof typeof HELP, body: (s: AppSeries, n: string) => void): void => {
      const n = PREFIX + name;
      lines = [];
      for (const s of apps) body(s, n);
      if (lines.length === 0) return;
      out.push(`# HELP ${n} ${HELP[name]}`, `# TYPE ${n} ${TYPES[name]}`);
      for (const line of lines) out.push(line); // no spread: a big node has more lines than a call has arguments
    };
    const counters = (arr: Float64Array, key: string, names: readonly string[], s: AppSeries, n: string): void => {
      for (let i = 0; i < arr.length; i++) if (arr[i] > 0) lines.push(`${n}{${s.labels},${key}="${names[i]}"} ${arr[i]}`);
    };
    const histogram = (h: Histogram, s: AppSeries, n: string): void => {
      if (h.count === 0) return;
      let cumulative = 0;
      for (let i = 0; i < h.counts.length; i++) {
        cumulative += h.counts[i];
        lines.push(`${n}_bucket{${s.labels},le="${LE[i]}"} ${cumulative}`);
      }
      lines.push(`${n}_sum{${s.labels}} ${formatValue(h.sum)}`, `${n}_count{${s.labels}} ${h.count}`);
    };

    family("requests_total", (s, n) => counters(s.classes, "class", CLASSES, s, n));
    family("request_duration_seconds", (s, n) => histogram(s.duration, s, n));
    family("cold_starts_total", (s, n) => { if (s.coldStarts > 0) lines.push(`${n}{${s.labels}} ${s.coldStarts}`); });
    family("cold_start_seconds", (s, n) => histogram(s.coldStart, s, n));
    family("instances_live", (s, n) => { if (s.gaugesSet) lines.push(`${n}{${s.labels}} ${formatValue(s.live)}`); });
    family("instances_idle", (s, n) => { if (s.gaugesSet) lines.push(`${n}{${s.labels}} ${formatValue(s.idle)}`); });
    family("evictions_total", (s, n) => counters(s.evictions, "kind", EVICTION_KINDS, s, n));
    family("limit_kills_total", (s, n) => counters(s.limitKills, "limit", LIMITS, s, n));
    return out.length ? out.join("\n") + "\n" : "";
  }
}
