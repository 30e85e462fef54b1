// KV replication lag: one write at a time (a new key each time), timed from sending it until the
// component in every region reads the new value (`GET /kv?key=` on each region, polled from the moment
// the write is sent). The write goes either to the control plane's API or to one region's component.
import { request } from "undici";
import { call } from "../../testkit/http.ts";
import { progress } from "../lib/progress.ts";
import { NAMESPACE } from "./apps.ts";
import type { Probe } from "./probe.ts";

export interface KvSample {
  key: string;
  /** Write sent → the writer's answer (the CP's `{seq}`, or the region component's response). */
  answeredMs: number;
  /** Write sent → the last region whose component read the value. */
  visibleMs: number;
  /** Per region: write sent → its component first read the value. */
  regionsMs: Record<string, number>;
}

export interface KvContext { cpUrl: string; probe: Probe; timeoutMs: number }

export type KvWriter = { kind: "cp" } | { kind: "region"; name: string; url: string };

async function write(ctx: KvContext, via: KvWriter, key: string, value: string): Promise<void> {
  if (via.kind === "cp") {
    const res = await call(ctx.cpUrl, "PUT", `/v1/kv/${NAMESPACE}/${encodeURIComponent(key)}`, { body: value });
    if (res.status !== 200) throw new Error(`PUT ${key} at the control plane answered ${res.status}: ${JSON.stringify(res.body)}`);
    return;
  }
  const res = await request(`${via.url}/kv?key=${encodeURIComponent(key)}`, { method: "PUT", body: value, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`PUT ${key} through ${via.name}'s component answered ${res.statusCode}: ${text}`);
}

export async function timedWrite(ctx: KvContext, via: KvWriter, key: string, value: string): Promise<KvSample> {
  const t0 = performance.now();
  const seen = ctx.probe.firstSeen(`/kv?key=${encodeURIComponent(key)}`, (status, text) => status === 200 && text === value, ctx.timeoutMs);
  seen.catch(() => {}); // awaited below; a refused write is reported first
  await write(ctx, via, key, value);
  const answered = performance.now() - t0;
  const at = await seen;
  return {
    key,
    answeredMs: answered,
    visibleMs: Math.max(...Object.values(at)) - t0,
    regionsMs: Object.fromEntries(Object.entries(at).map(([name, t]) => [name, t - t0])),
  };
}

export async function kvRow(ctx: KvContext, via: KvWriter, n: number): Promise<KvSample[]> {
  const label = via.kind === "cp" ? "kv.cp-write" : `kv.region-write (${via.name})`;
  const out: KvSample[] = [];
  const run = Math.random().toString(36).slice(2, 8);
  for (let i = 0; i < n; i++) {
    out.push(await timedWrite(ctx, via, `${via.kind}-${run}-${i}`, `value ${i} of ${run}`));
    if ((i + 1) % Math.max(1, Math.floor(n / 4)) === 0 || i + 1 === n) progress(`${label} ${i + 1}/${n}`);
  }
  return out;
}
