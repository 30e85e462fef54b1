// The non-HTTP events an app answers (spec/events.md): a cron firing runs the component's
// `scheduled-handler`, a batch of queue messages its `queue-handler`. These types are shared by the
// runtime (which runs them), the edge node (which receives them from the control plane or its dev
// trigger) and the control plane (which decides when, where and with which messages they run).

export interface ScheduledEvent {
  type: "scheduled";
  /** The cron expression, as written in `[triggers] crons`. */
  cron: string;
  /** Milliseconds since the Unix epoch at which the firing was due. */
  scheduledTime: number;
}

export interface QueueEventMessage {
  id: string;
  /** Milliseconds since the Unix epoch at which it was sent. */
  timestamp: number;
  body: Uint8Array;
  /** "json", "text" or "bytes". */
  contentType: string;
  /** Deliveries so far, this one included (1 on the first delivery). */
  attempts: number;
}

export interface QueueEvent {
  type: "queue";
  queue: string;
  messages: QueueEventMessage[];
}

export type AppEvent = ScheduledEvent | QueueEvent;

/** Per message, in order: what the handler asked for; "unset" follows the batch default. */
export type QueueOutcome = "ack" | "retry" | "unset";

export type EventResult =
  | {
      ok: true;
      /** Queue events only: one outcome per message, in order. */
      outcomes?: QueueOutcome[];
      ms: number;
    }
  | {
      ok: false;
      /** The handler's error text, the trap, or the limit that stopped it. */
      error: string;
      /** Set when a limit stopped the run: "cpu", "memory", "wall", ... */
      limit?: string;
      ms: number;
    };

/** A queue message as a producer hands it to the host (`outpost:edge/queue.send`). */
export interface OutgoingQueueMessage {
  body: Uint8Array;
  contentType: string;
  delaySeconds?: number;
}

/** Where the runtime sends the guests' queue messages (an edge node forwards them to the control plane). */
export interface QueueSender {
  send(queue: string, messages: OutgoingQueueMessage[]): Promise<void>;
}

/** The final per-message decision for a batch: "unset" becomes ack when the run succeeded, retry when it failed. */
export function settleOutcomes(result: EventResult, count: number): Array<"ack" | "retry"> {
  const outcomes = result.ok ? result.outcomes ?? [] : [];
  return Array.from({ length: count }, (_, i) => {
    const o = outcomes[i] ?? "unset";
    if (o === "unset") return result.ok ? "ack" : "retry";
    return o;
  });
}
