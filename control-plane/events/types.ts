// The records of queues and cron firings as the control plane stores them (its `queue-messages` and
// `cron-firings` LMDB dbs; CP-local, never replicated), and a queue consumer as a manifest declares it.

/** One queue message. Its db key is `[queue, visibleAt, id]`, so a queue's visible messages come first. */
export interface StoredMessage {
  /** 32 hex digits; the first 12 are the send time, so ids sort roughly by age. */
  id: string;
  queue: string;
  body: Uint8Array;
  contentType: string;
  /** When it was sent (ms since the epoch). */
  timestamp: number;
  /** Deliveries so far. */
  attempts: number;
  /** When it is (or becomes) visible: its send time + delay, a retry's backoff, or the end of its lease. */
  visibleAt: number;
  /** "leased": a batch holding it is being delivered until `visibleAt`; "waiting": not leased. */
  state: "waiting" | "leased";
  leaseId?: string;
}

export type MessageState = "ready" | "delayed" | "inFlight";

/** What a message is now: visible (ready, including an expired lease), delayed, or in flight. */
export function messageState(m: StoredMessage, now: number): MessageState {
  if (m.visibleAt <= now) return "ready";
  return m.state === "leased" ? "inFlight" : "delayed";
}

/** A queue consumer from a manifest (`[[queues.consumers]]`), with defaults filled in. */
export interface ConsumerConfig {
  queue: string;
  maxBatchSize: number;
  /** Seconds. */
  maxBatchTimeout: number;
  maxRetries: number;
  deadLetterQueue: string | null;
}

/** One cron firing. Its db key is `[app, scheduledTime, cron]`: written once, before it is dispatched. */
export interface FiringRecord {
  app: string;
  cron: string;
  scheduledTime: number;
  /** When the CP recorded it. */
  firedAt: number;
  /**
   * dispatching: sent or about to be; ok / error: the region's answer; undelivered: no region took it;
   * unknown: the CP stopped while it was being dispatched (it may or may not have run).
   */
  state: "dispatching" | "ok" | "error" | "undelivered" | "unknown";
  region?: string;
  /** The run's duration as the region reported it (or the time until the call failed). */
  ms?: number;
  error?: string;
  /** Regions tried before `region` that did not take it (connection refused, app not active there). */
  skipped?: { region: string; reason: string }[];
}
