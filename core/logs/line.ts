// The log line every part of the runtime emits: what a guest printed or logged, and host events
// (traps, limit kills), tagged with the app and the request that caused it.
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface LogLine {
  ts: number;
  app: string;
  version?: string;
  requestId?: string;
  level: LogLevel;
  source: "stdout" | "stderr" | "log" | "host";
  message: string;
  fields?: Record<string, unknown>;
}

export type LogSink = (line: LogLine) => void;

/** Console output for a dev server: one readable line per log line. */
export function formatLogLine(line: LogLine): string {
  const time = new Date(line.ts).toISOString().slice(11, 23);
  const req = line.requestId ? ` ${line.requestId}` : "";
  const fields = line.fields ? ` ${JSON.stringify(line.fields)}` : "";
  return `${time} ${line.level.padEnd(5)} [${line.app}${req}] ${line.message}${fields}`;
}
