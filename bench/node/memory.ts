// Section 2 of bench/node.ts, memory per live instance: for each concurrency C, a fresh one-thread edge
// node with the hold fixture; C request loops keep `/hold?ms=…` requests open back to back while a
// sampler reads the app's live and idle instances (metrics) and the process's VmRSS; the samples with the
// most busy instances (median RSS of those) give (RSS − baseline RSS) / (live − baseline live).
import { join } from "node:path";
import { Pool, request } from "undici";
import { progress } from "../lib/progress.ts";
import { deployOne, type BuiltApp } from "./apps.ts";
import { procMemory, scrape, startEdgeNode, sumMetric } from "./edge.ts";
import type { NodeBenchOptions } from "./options.ts";

const APP = "hold";
const SAMPLE_EVERY_MS = 100;

export interface MemorySample { atMs: number; rss: number; live: number; idle: number }

export interface MemoryRow {
  id: string;
  concurrency: number;
  holdMs: number;
  baseline: { rss: number; live: number };
  /** Of the samples taken with the most instances busy, the one with the median RSS. */
  inFlight: MemorySample & { busy: number };
  /** (inFlight.rss − baseline.rss) / (inFlight.live − baseline.live), bytes; null when no instance was added. */
  perInstance: number | null;
  responses: number;
  samples: MemorySample[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sample(url: string, pid: number, t0: number): Promise<MemorySample> {
  const text = await scrape(url);
  const mem = await procMemory(pid);
  return { atMs: performance.now() - t0, rss: mem.rss, live: sumMetric(text, "outpost_instances_live", { app: APP }), idle: sumMetric(text, "outpost_instances_idle", { app: APP }) };
}

/** `concurrency` loops of held requests until `runMs` has passed; returns how many answered. */
async function holdLoops(url: string, concurrency: number, holdMs: number, runMs: number): Promise<number> {
  const pool = new Pool(url, { connections: concurrency, pipelining: 1 });
  const deadline = performance.now() + runMs;
  let answered = 0;
  try {
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const { statusCode, body } = await pool.request({ method: "GET", path: `/hold?ms=${holdMs}`, headersTimeout: 30_000, bodyTimeout: 30_000 });
        await body.arrayBuffer();
        if (statusCode !== 200) throw new Error(`GET /hold?ms=${holdMs} answered ${statusCode}; the bench needs 200`);
        answered++;
      }
    }));
  } finally {
    await pool.close();
  }
  return answered;
}

async function one(concurrency: number, opts: NodeBenchOptions, dir: string, cacheDir: string): Promise<MemoryRow> {
  const id = `memory.c${concurrency}`;
  progress(`${id}: ${concurrency} request(s) held ${opts.holdMs} ms at a time on a one-thread node`);
  const node = await startEdgeNode({ apps: dir, threads: 1, cacheDir });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await request(`${node.url}/`);
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) throw new Error(`${id}: GET / answered ${res.statusCode}; the bench needs 200`);
    }
    await sleep(300);
    const t0 = performance.now();
    const base = await sample(node.url, node.pid, t0);
    const samples: MemorySample[] = [];
    let running = true;
    const loops = holdLoops(node.url, concurrency, opts.holdMs, opts.holdRunMs).finally(() => { running = false; });
    const sampler = (async () => {
      await sleep(Math.min(opts.holdMs * 2, opts.holdRunMs / 2)); // every loop has had a request in flight
      while (running) {
        samples.push(await sample(node.url, node.pid, t0));
        await sleep(SAMPLE_EVERY_MS);
      }
    })();
    const [responses] = await Promise.all([loops, sampler]);
    if (samples.length === 0) throw new Error(`${id}: no sample was taken while requests were in flight (--hold-ms too long for the run?)`);
    // Of the samples with the most instances busy, the one with the median RSS (RSS creeps up while requests repeat).
    const most = Math.max(...samples.map((s) => s.live - s.idle));
    const top = samples.filter((s) => s.live - s.idle === most).sort((a, b) => a.rss - b.rss);
    const best = top[Math.floor((top.length - 1) / 2)];
    const added = best.live - base.live;
    return {
      id, concurrency, holdMs: opts.holdMs,
      baseline: { rss: base.rss, live: base.live },
      inFlight: { ...best, busy: best.live - best.idle },
      perInstance: added > 0 ? (best.rss - base.rss) / added : null,
      responses, samples,
    };
  } finally {
    await node.stop();
  }
}

export async function memoryRows(app: BuiltApp, opts: NodeBenchOptions, work: string, cacheDir: string): Promise<MemoryRow[]> {
  const dir = deployOne(app, join(work, "memory"), APP);
  const rows: MemoryRow[] = [];
  for (const c of opts.holdConcurrency) rows.push(await one(c, opts, dir, cacheDir));
  return rows;
}
