// The peers bench's workloads: which module each one is, the request the load generator sends to it,
// and how a first answer is checked, so every system is known to run the same logic before it is timed.
// The kv workload also names its KV binding and the three entries the bench seeds before it runs.
import { join } from "node:path";
import type { LoadRequest } from "../../lib/http-load.ts";
import type { WorkloadId } from "../options.ts";

/** The request a workload sends: the load loop's request shape. */
export type RequestSpec = LoadRequest;

export interface Workload {
  id: WorkloadId;
  label: string;
  /** The Workers-style module (`export default { fetch }`); null when the workload is not runnable yet. */
  file: string | null;
  /** Why every system shows n/a for it, when file is null. */
  na?: string;
  /** Only Outpost runs it: the n/a text every peer shows instead. */
  outpostOnly?: string;
  /** A KV binding the app reads and the entries seeded in its namespace before it runs. */
  kv?: { binding: string; entries: Record<string, string> };
  request(ctx: { upstream: string }): RequestSpec;
  /** null when `body` is the right answer, else what is wrong with it. */
  check(body: string): string | null;
}

const DIR = import.meta.dirname;

/** What the bench's upstream answers (bench/peers/upstream.ts): 256 bytes of text. */
export const UPSTREAM_TEXT = "upstream says hello; ".repeat(13).slice(0, 255) + "\n";

interface Item { id: number; name: string; price: number; qty: number; tags: string[] }

/** The transform workload's POST body: deterministic JSON of just over 10 KB. */
export function transformItems(): Item[] {
  const items: Item[] = [];
  let size = 12;
  for (let i = 0; size < 10_240; i++) {
    const item = { id: i, name: `item-${i}-${"abcdefghij".slice(0, 3 + (i % 7))}`, price: (i * 37) % 1000 / 10 + 0.99, qty: 1 + (i % 5), tags: ["a", "bb", "ccc"].slice(0, 1 + (i % 3)) };
    items.push(item);
    size += JSON.stringify(item).length + 1;
  }
  return items;
}
const ITEMS = transformItems();
const TRANSFORM_BODY = JSON.stringify({ items: ITEMS });
const EXPECTED_SUM = Math.round(ITEMS.reduce((s, it) => s + Math.round(it.price * it.qty * 100) / 100, 0) * 100) / 100;

function parse(body: string): Record<string, unknown> | null {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The kv workload's three entries (kv.js reads exactly these keys): small JSON documents of 0.1-1 KB. */
const KV_ENTRIES: Record<string, string> = {
  "user:42": JSON.stringify({ id: 42, name: "Ada", plan: "pro", locale: "en-GB" }),
  flags: JSON.stringify(Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`feature-${i}`, i % 3 === 0]))),
  "page:home": JSON.stringify({ title: "Home", blocks: Array.from({ length: 8 }, (_, i) => ({ kind: "text", text: `paragraph ${i} `.repeat(8) })) }),
};

const short = (s: string) => JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s);

export const WORKLOADS: Record<WorkloadId, Workload> = {
  hello: {
    id: "hello",
    label: "hello-world JSON",
    file: join(DIR, "hello.js"),
    request: () => ({ method: "GET", path: "/" }),
    check: (body) => (parse(body)?.hello === "world" ? null : `expected {"hello":"world"}, got ${short(body)}`),
  },
  transform: {
    id: "transform",
    label: `JSON transform of a ${(TRANSFORM_BODY.length / 1024).toFixed(1)} KB POST body`,
    file: join(DIR, "transform.js"),
    request: () => ({ method: "POST", path: "/", headers: { "content-type": "application/json" }, body: TRANSFORM_BODY }),
    check: (body) => {
      const r = parse(body);
      return r?.count === ITEMS.length && r.sum === EXPECTED_SUM ? null : `expected count ${ITEMS.length} and sum ${EXPECTED_SUM}, got ${short(body)}`;
    },
  },
  fetch: {
    id: "fetch",
    label: "outgoing fetch to a local upstream",
    file: join(DIR, "fetch.js"),
    request: ({ upstream }) => ({ method: "GET", path: `/?upstream=${encodeURIComponent(upstream)}` }),
    check: (body) => (body === UPSTREAM_TEXT ? null : `expected the upstream's ${UPSTREAM_TEXT.length} bytes of text, got ${short(body)}`),
  },
  kv: {
    id: "kv",
    label: "read three KV keys (Outpost only)",
    file: join(DIR, "kv.js"),
    outpostOnly: "n/a (no KV)",
    kv: { binding: "STORE", entries: KV_ENTRIES },
    request: () => ({ method: "GET", path: "/" }),
    check: (body) => {
      const r = parse(body);
      const wrong = Object.keys(KV_ENTRIES).filter((k) => r?.[k] !== KV_ENTRIES[k]);
      return wrong.length ? `expected the seeded values of ${wrong.join(", ")}, got ${short(body)}` : null;
    },
  },
};
