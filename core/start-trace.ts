// Marks of a process's start (OUTPOST_TRACE_START=1): each phase's end as wall-clock ms since the epoch
// (fractional; the same clock in every thread, where performance.now() starts with each thread), written
// to stderr as `start-trace <phase> <ms> [detail]`, for bench/profile/process-start.ts. Off by default:
// one environment read per mark.

/** Writes the mark when tracing; `detail` (a few words) follows the time. */
export function startMark(phase: string, detail?: string): void {
  if (process.env.OUTPOST_TRACE_START !== "1") return;
  process.stderr.write(`start-trace ${phase} ${(performance.timeOrigin + performance.now()).toFixed(1)}${detail ? " " + detail : ""}\n`);
}
