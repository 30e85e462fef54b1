// The conformance app (examples/conformance) for tests and the bench: built by the real `outpost build`,
// served by a real edge node, and its answers read over HTTP (GET /checks, then GET /check/<name> for each).
import { join } from "node:path";
import { request } from "undici";
import type { Answers } from "../examples/conformance/compare.ts";
import { serveBuilt } from "./apps.ts";
import { ROOT } from "./paths.ts";
import type { Running } from "./process.ts";

export const CONFORMANCE_APP = join(ROOT, "examples", "conformance");

/** `outpost build` of the conformance app into `dir`/apps, served by one edge node (one thread). */
export function serveConformance(dir: string): Promise<Running> {
  return serveBuilt("conformance", dir, { project: CONFORMANCE_APP });
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
