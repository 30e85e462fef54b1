// Runs a scheduled or queue event (runtime/events.ts) through one instance of an app with the limits a
// request gets: the CPU budget (metered on worker threads), wall time and memory; a run that traps or
// overruns discards its instance. The event becomes the argument of the component's handler export
// and the handler's `result` an EventResult. ComponentApp.event (runtime/app.ts) is the entry point.
import type { AppLimits } from "../core/limits.ts";
import type { AppEvent, EventResult, QueueOutcome } from "./events.ts";
import type { Instance } from "./instance.ts";
import { CpuExceeded } from "./pool/cpu-meter.ts";
import { beforeWallLimit, nearMemoryLimit } from "./run-limits.ts";

/** The export each event type calls (unversioned interface; its function is `handle`). */
export const EVENT_HANDLERS = { scheduled: "outpost:edge/scheduled-handler", queue: "outpost:edge/queue-handler" } as const;

/** What a run needs from the app it runs in. */
export interface EventHost {
  limits: AppLimits;
  /** The component's exports, versioned (`iface@x.y.z`). */
  exports: string[];
  /** Runs are charged a CPU account (a worker thread's meter is installed). */
  metered: boolean;
  acquire(): Promise<Instance>;
  release(inst: Instance): void;
  /** A host error line about this run. */
  log(requestId: string, message: string): void;
}

const OUTCOMES: ReadonlySet<string> = new Set<QueueOutcome>(["ack", "retry", "unset"]);
const u64 = (ms: number) => BigInt(Math.max(0, Math.trunc(ms)));

/** The handler's argument: the WIT records `scheduled-event` and `batch`, as jco's glue takes them. */
function argument(ev: AppEvent): unknown {
  if (ev.type === "scheduled") return { cron: ev.cron, scheduledTime: u64(ev.scheduledTime) };
  return {
    queue: ev.queue,
    messages: ev.messages.map((m) => ({ id: m.id, timestamp: u64(m.timestamp), body: m.body, contentType: m.contentType, attempts: m.attempts })),
  };
}

/** One outcome per message, in order; missing or unknown ones are "unset". */
function outcomes(value: unknown, count: number): QueueOutcome[] {
  const list = Array.isArray(value) ? value : [];
  return Array.from({ length: count }, (_, i) => (OUTCOMES.has(list[i]) ? (list[i] as QueueOutcome) : "unset"));
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs one event; never throws. `seq` numbers the CPU account (the pool's watchdog reads it). */
export async function runEvent(host: EventHost, ev: AppEvent, requestId: string, seq: number): Promise<EventResult> {
  const start = performance.now();
  const { cpuMs, wallMs, memoryMb } = host.limits;
  const fail = (error: string, limit?: string): EventResult => {
    host.log(requestId, `${ev.type} event failed: ${error}`);
    return limit ? { ok: false, error, limit, ms: performance.now() - start } : { ok: false, error, ms: performance.now() - start };
  };
  const iface = EVENT_HANDLERS[ev.type];
  if (!host.exports.some((e) => e.split("@")[0] === iface)) {
    return fail(`this app's component does not export ${iface}, so it cannot run ${ev.type} events`);
  }
  let inst: Instance;
  try {
    inst = await host.acquire();
  } catch (err) {
    return fail(`could not instantiate: ${messageOf(err)}`);
  }
  const account = host.metered ? { seq, budgetMs: cpuMs, usedMs: 0, exceeded: false } : null;
  const run = inst.handleResult(iface, requestId, argument(ev), account).then((r) => r, (trap: unknown) => ({ ok: false as const, trap }));
  const outcome = await beforeWallLimit(run, wallMs);
  if (outcome === "timeout") {
    inst.broken = true; // still suspended inside the guest: never reuse it
    void run.finally(() => host.release(inst));
    return fail(`did not finish within ${wallMs} ms (limits.wall_ms); the instance was discarded`, "wall");
  }
  const atMemoryLimit = nearMemoryLimit(inst, memoryMb);
  if (atMemoryLimit) inst.broken = true;
  host.release(inst);
  if ("trap" in outcome) {
    const err = outcome.trap;
    if (err instanceof CpuExceeded) return fail(`exceeded the CPU limit of ${cpuMs} ms (limits.cpu_ms); the instance was discarded`, "cpu");
    if (atMemoryLimit) return fail(`ran out of memory at the limit of ${memoryMb} MiB (limits.memory_mb): ${messageOf(err)}; the instance was discarded`, "memory");
    return fail(`the component trapped: ${messageOf(err)}; the instance was discarded`);
  }
  if (!outcome.ok) return fail(outcome.error, atMemoryLimit ? "memory" : undefined);
  if (atMemoryLimit) host.log(requestId, `memory reached the limit of ${memoryMb} MiB (limits.memory_mb); the instance was discarded`);
  const ms = performance.now() - start;
  return ev.type === "queue" ? { ok: true, outcomes: outcomes(outcome.value, ev.messages.length), ms } : { ok: true, ms };
}
