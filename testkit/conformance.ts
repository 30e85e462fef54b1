// The conformance app (examples/conformance) for tests and the bench: built by the real `outpost build`,
// served by a real edge node, and its answers read over HTTP (GET /checks, then GET /check/<name> for each).
import { join } from "node:path";
import { request } from "undici";
import type { Answers } from "../examples/conformance/compare.ts";
import { outpostBuild } from "./cli.ts";
import { ROOT } from "./paths.ts";
import { startNode, type Running } from "./process.ts";

export const CONFORMANCE_APP = join(ROOT, "examples", "conformance");

/** `outpost build` of the conformance app into `dir`/dist, served by one edge node (one thread). */
export async function serveConformance(dir: string): Promise<Running> {
  const dist = join(dir, "dist");
  await outpostBuild(CONFORMANCE_APP, dist);
  return startNode(["--port", "0", "--threads", "1", "--quiet", "--cache-dir", join(dir, "cache"), dist], { cwd: ROOT, timeoutMs: 120_000 });
}

async function getJson<T>(url: string, timeoutMs: number): Promise<T> {
  const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Every check's answer from a server of the conformance app, one request per check (GET /check/<name>). */
export async function fetchAnswers(origin: string, timeoutMs = 60_000): Promise<Answers> {
  const names = await getJson<string[]>(`${origin}/checks`, timeoutMs);
  const out: Answers = {};
  for (const name of names) out[name] = await getJson(`${origin}/check/${encodeURIComponent(name)}`, timeoutMs);
  return out;
}
