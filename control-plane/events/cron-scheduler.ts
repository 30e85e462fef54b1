// Runs the active apps' crons (spec/events.md): one timer per (app, cron) of each app's primary active
// manifest, following deployments. croner computes the occurrences (UTC); each firing is recorded before
// dispatch, assigned to one live region serving the app (round robin), tried on the next region only if
// it surely did not run there (connection refused, app not active), and its outcome is recorded and logged.
import { Cron } from "croner";
import type { ScheduledEvent } from "../../runtime/events.ts";
import type { LiveRegions } from "../deploy/live-regions.ts";
import type { Store } from "../store/store.ts";
import type { Manifest } from "../../core/manifest.ts";
import { activeApps } from "./active-apps.ts";
import type { FiringStore } from "./cron-firings.ts";
import type { EventLog } from "./event-log.ts";
import { deliverEvent } from "./region-events.ts";
import { RoundRobin, servingRegions } from "./region-picker.ts";
import type { FiringRecord } from "./types.ts";

export interface CronOptions {
  /** How long one run may take before it counts as failed; default the app's wall limit + 10 s. */
  timeoutMs?: number;
}

interface Job {
  app: string;
  cron: string;
  pattern: Cron;
  manifest: Manifest;
  next: number | null;
  timer?: NodeJS.Timeout;
}

/** Longest single timer: long waits are re-checked, so clock changes are noticed. */
const MAX_TIMER_MS = 30_000;

export class CronScheduler {
  #store: Store;
  #live: LiveRegions;
  #firings: FiringStore;
  #log: EventLog;
  #token: string;
  #timeoutMs?: number;
  #jobs = new Map<string, Job>();
  #rr = new RoundRobin();
  #pending = new Set<Promise<void>>();
  #abort = new AbortController();
  #closed = false;

  constructor(store: Store, live: LiveRegions, firings: FiringStore, log: EventLog, regionToken: string, options: CronOptions = {}) {
    this.#store = store;
    this.#live = live;
    this.#firings = firings;
    this.#log = log;
    this.#token = regionToken;
    this.#timeoutMs = options.timeoutMs;
  }

  /** Starts, keeps or stops jobs so they match the active deployments. */
  refresh(): void {
    if (this.#closed) return;
    const wanted = new Map<string, { app: string; cron: string; manifest: Manifest }>();
    for (const a of activeApps(this.#store)) {
      for (const cron of new Set(a.manifest.crons ?? [])) wanted.set(`${a.app}\0${cron}`, { app: a.app, cron, manifest: a.manifest });
    }
    for (const [key, job] of this.#jobs) {
      if (wanted.has(key)) continue;
      clearTimeout(job.timer);
      this.#jobs.delete(key);
    }
    for (const [key, w] of wanted) {
      const job = this.#jobs.get(key);
      if (job) {
        job.manifest = w.manifest;
        continue;
      }
      let pattern: Cron;
      try {
        pattern = new Cron(w.cron, { timezone: "Etc/UTC", paused: true });
      } catch (e) {
        this.#log.line(w.app, "warn", `cron ${w.cron}: not scheduled: ${(e as Error).message}`);
        continue;
      }
      const created: Job = { ...w, pattern, next: null };
      this.#jobs.set(key, created);
      this.#arm(created, Date.now());
    }
  }

  /** The app's scheduled crons and when each fires next (ms since the epoch). */
  schedule(app: string): { cron: string; nextRun: number | null }[] {
    return [...this.#jobs.values()].filter((j) => j.app === app).map((j) => ({ cron: j.cron, nextRun: j.next }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#jobs.values()) clearTimeout(job.timer);
    this.#jobs.clear();
    this.#abort.abort();
    await Promise.allSettled([...this.#pending]);
  }

  #arm(job: Job, from: number): void {
    job.next = job.pattern.nextRun(new Date(from))?.getTime() ?? null;
    if (job.next === null) return;
    const wait = Math.min(Math.max(0, job.next - Date.now()), MAX_TIMER_MS);
    job.timer = setTimeout(() => this.#check(job), wait);
  }

  #check(job: Job): void {
    if (this.#closed || this.#jobs.get(`${job.app}\0${job.cron}`) !== job || job.next === null) return;
    const due = job.next;
    if (Date.now() < due) {
      job.timer = setTimeout(() => this.#check(job), Math.min(due - Date.now(), MAX_TIMER_MS));
      return;
    }
    const p: Promise<void> = this.#fire(job, due)
      .catch((e) => {
        if (!this.#closed) console.error(`control plane: cron ${job.cron} of ${job.app}:`, e);
      })
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
    // Missed occurrences (a stalled process) are skipped, not run in a burst.
    this.#arm(job, Math.max(due, Date.now()));
  }

  async #fire(job: Job, scheduledTime: number): Promise<void> {
    const rec = await this.#firings.begin(job.app, job.cron, scheduledTime);
    if (!rec || this.#closed) return;
    const event: ScheduledEvent = { type: "scheduled", cron: job.cron, scheduledTime };
    const timeoutMs = this.#timeoutMs ?? (job.manifest.limits?.wallMs ?? 30_000) + 10_000;
    const skipped: { region: string; reason: string }[] = [];
    const head = `cron ${job.cron}`;
    for (const region of this.#rr.order(job.app, servingRegions(this.#store, this.#live, job.manifest))) {
      const d = await deliverEvent(region, this.#token, job.app, event, timeoutMs, this.#abort.signal);
      if (this.#closed) return;
      if (d.kind === "not-run") {
        skipped.push({ region: region.name, reason: d.reason });
        continue;
      }
      const outcome: Partial<FiringRecord> = { region: region.name, ...(skipped.length ? { skipped } : {}) };
      const tried = skipped.length ? ` (skipped ${skipped.map((s) => `${s.region}: ${s.reason}`).join("; ")})` : "";
      if (d.kind === "ran" && d.result.ok) {
        const ms = Math.round(d.result.ms);
        await this.#firings.finish(rec, { ...outcome, state: "ok", ms });
        this.#log.line(job.app, "info", `${head} ran on ${region.name}: ok in ${ms} ms${tried}`);
      } else {
        const error = d.kind === "ran" ? (d.result.ok ? "" : d.result.error) : d.reason;
        const ms = Math.round(d.kind === "ran" ? d.result.ms : d.roundTripMs);
        await this.#firings.finish(rec, { ...outcome, state: "error", ms, error });
        this.#log.line(job.app, "error", `${head} failed on ${region.name} after ${ms} ms: ${error}${tried}`);
      }
      return;
    }
    const why = skipped.length ? skipped.map((s) => `${s.region}: ${s.reason}`).join("; ") : "no live region serves the app";
    await this.#firings.finish(rec, { state: "undelivered", error: why, ...(skipped.length ? { skipped } : {}) });
    this.#log.line(job.app, "warn", `${head} at ${new Date(scheduledTime).toISOString()} was not run: ${why}`);
  }
}
