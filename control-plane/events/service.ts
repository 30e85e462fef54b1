// The control plane's event machinery in one place: the queue and firing stores, the event log, the queue
// dispatcher and the cron scheduler. Both follow the deployments (re-read after every log append, which
// is how activations, rollbacks and app deletions arrive) and the live regions.
import type { LiveRegions } from "../deploy/live-regions.ts";
import type { Store } from "../store/store.ts";
import { FiringStore } from "./cron-firings.ts";
import { CronScheduler, type CronOptions } from "./cron-scheduler.ts";
import { EventLog } from "./event-log.ts";
import { QueueDispatcher, type DispatcherOptions } from "./queue-dispatcher.ts";
import { QueueStore } from "./queue-store.ts";

export interface EventsOptions extends DispatcherOptions {
  /** Cron run timeout (default: the app's wall limit + 10 s). */
  cronTimeoutMs?: number;
  /** Where event log lines are printed (default: stdout). */
  print?: (text: string) => void;
}

export interface Events {
  queues: QueueStore;
  firings: FiringStore;
  log: EventLog;
  dispatcher: QueueDispatcher;
  crons: CronScheduler;
  close(): Promise<void>;
}

/** Recovers what a previous process left (leases, firings being dispatched), then starts both loops. */
export async function startEvents(store: Store, live: LiveRegions, regionToken: string, options: EventsOptions = {}): Promise<Events> {
  const queues = new QueueStore(store.core);
  const firings = new FiringStore(store.core);
  const log = new EventLog(options.print);
  await queues.recoverLeases();
  await firings.markInterrupted();
  const dispatcher = new QueueDispatcher(store, live, queues, log, regionToken, options);
  const cronOptions: CronOptions = options.cronTimeoutMs === undefined ? {} : { timeoutMs: options.cronTimeoutMs };
  const crons = new CronScheduler(store, live, firings, log, regionToken, cronOptions);
  let queued = false;
  const refresh = () => {
    if (queued) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      if (store.closed) return;
      dispatcher.refresh();
      crons.refresh();
    });
  };
  const offLog = store.subscribe(refresh);
  const offLive = live.onChange(() => dispatcher.wake());
  dispatcher.refresh();
  crons.refresh();
  return {
    queues, firings, log, dispatcher, crons,
    async close() {
      offLog();
      offLive();
      await Promise.all([dispatcher.close(), crons.close()]);
    },
  };
}
