// Where one warm request's time goes on its thread, step by step, for bench/profile/request-steps.ts:
// socket accepted → head parsed → routed → handed to the guest → response head set → guest returned →
// response written. Recorded only when OUTPOST_TRACE_REQUESTS=1 is set for the process (read once per
// thread); otherwise nothing is allocated and no clock is read.

export const TRACING = process.env.OUTPOST_TRACE_REQUESTS === "1";

/** The intervals reported, in µs: each ends at the mark of the same index + 1. */
export const TRACE_STEPS = [
  "accepted → head parsed (1st request of a connection)",
  "head parsed → routed (app loaded)",
  "routed → handed to the guest (instance, request resources)",
  "guest: called → response head set",
  "guest: response head → returned (body written)",
  "returned → response written to the socket",
] as const;

export const MARK = { accepted: 0, parsed: 1, routed: 2, called: 3, head: 4, returned: 5, written: 6 } as const;

export class RequestTrace {
  readonly marks = new Float64Array(7).fill(NaN);

  mark(i: number): void { this.marks[i] = performance.now(); }

  /** µs per step (NaN where a mark is missing, e.g. no accept on a reused connection). */
  steps(): number[] {
    const m = this.marks;
    return TRACE_STEPS.map((_, i) => Math.round((m[i + 1] - m[i]) * 1000));
  }
}
