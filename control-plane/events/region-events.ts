// The CP's call to a region that runs an event: `POST {region.url}/_outpost/events` with the region token
// and a msgpack `{app, event}`; the region answers 200 with a msgpack EventResult. The answer says
// whether the event ran, surely did not run (safe to try another region), or may have run.
import { request } from "undici";
import { Packr, Unpackr } from "msgpackr";
import type { AppEvent, EventResult } from "../../runtime/events.ts";

const packr = new Packr({ useRecords: false });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** Errors raised before the request reached the region: the event surely did not run. */
const NOT_CONNECTED = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EADDRNOTAVAIL", "UND_ERR_CONNECT_TIMEOUT"]);

export type Delivery =
  | { kind: "ran"; result: EventResult; roundTripMs: number }
  /** Connection refused, the app is not active there, the token was refused: try another region. */
  | { kind: "not-run"; reason: string }
  /** Sent, but no usable answer (timeout, reset, 5xx, garbage): it may have run. */
  | { kind: "unknown"; reason: string; roundTripMs: number };

function errorCode(e: unknown): string | undefined {
  const err = e as { code?: string; cause?: { code?: string }; errors?: { code?: string }[] };
  return err.code ?? err.cause?.code ?? err.errors?.[0]?.code;
}

function isEventResult(v: unknown): v is EventResult {
  const r = v as Record<string, unknown> | null;
  if (!r || typeof r !== "object" || typeof r.ok !== "boolean" || typeof r.ms !== "number") return false;
  if (r.ok) return r.outcomes === undefined || (Array.isArray(r.outcomes) && r.outcomes.every((o) => o === "ack" || o === "retry" || o === "unset"));
  return typeof r.error === "string";
}

async function errorText(body: { text(): Promise<string> }): Promise<string> {
  const text = await body.text().catch(() => "");
  try {
    const j = JSON.parse(text) as { error?: string; message?: string };
    return [j.error, j.message].filter(Boolean).join(": ") || text.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

export async function deliverEvent(region: { name: string; url: string }, token: string, app: string, event: AppEvent, timeoutMs: number, signal?: AbortSignal): Promise<Delivery> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let res;
  try {
    res = await request(`${region.url}/_outpost/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-msgpack" },
      body: packr.pack({ app, event }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const code = errorCode(e);
    const reason = `${region.url}: ${(e as Error).message || code || "request failed"}`;
    if (code && NOT_CONNECTED.has(code)) return { kind: "not-run", reason };
    return { kind: "unknown", reason, roundTripMs: elapsed() };
  }
  if (res.statusCode === 404 || res.statusCode === 401 || res.statusCode === 403) {
    return { kind: "not-run", reason: `answered ${res.statusCode}: ${await errorText(res.body)}` };
  }
  if (res.statusCode !== 200) return { kind: "unknown", reason: `answered ${res.statusCode}: ${await errorText(res.body)}`, roundTripMs: elapsed() };
  try {
    const result = unpackr.unpack(Buffer.from(await res.body.arrayBuffer()));
    if (isEventResult(result)) return { kind: "ran", result, roundTripMs: elapsed() };
    return { kind: "unknown", reason: "answered 200 without a valid EventResult", roundTripMs: elapsed() };
  } catch (e) {
    return { kind: "unknown", reason: `answer unreadable: ${(e as Error).message}`, roundTripMs: elapsed() };
  }
}
