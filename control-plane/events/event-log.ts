// The log lines of the CP's event machinery (cron firings, batch deliveries, dead-lettering): printed on
// the CP's stdout and published per app, so the logs fan-in (`outpost tail`) shows them next to the
// regions' lines, tagged `"region": "control-plane"`.
import { LogHub } from "../../core/logs/hub.ts";
import { formatLogLine, type LogLevel, type LogLine } from "../../core/logs/line.ts";

/** The `region` field of CP-originated lines in the logs fan-in. */
export const CP_LOG_REGION = "control-plane";

export class EventLog {
  readonly hub = new LogHub();
  #print: (text: string) => void;

  constructor(print: (text: string) => void = (text) => console.log(text)) {
    this.#print = print;
  }

  line(app: string, level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    const line: LogLine = { ts: Date.now(), app, level, source: "host", message, ...(fields ? { fields } : {}) };
    this.#print(`control plane: ${formatLogLine(line)}`);
    this.hub.publish(line);
  }

  /** Every line of `app` as it is logged; returns the unsubscribe function. */
  subscribe(app: string, fn: (line: LogLine) => void): () => void {
    return this.hub.subscribe(app, fn);
  }
}
