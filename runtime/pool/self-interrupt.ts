// Worker-thread side of stopping a runaway guest without stopping the thread: the hook the pool's
// Interrupter (runtime/pool/interrupter.ts) evaluates through the inspector. It runs on this thread, as
// a V8 interrupt inside whatever is executing, so its check is exact: only when request `seq` is the
// slice running right now does it close that slice and terminate the current execution (through an
// inspector session of this thread's own, opened only then; V8 cancels
// the termination once the outermost call has unwound, and the event loop goes on). `onKilled` then runs from the event loop to answer for the request.
import { Session } from "node:inspector";
import type { CpuMeter } from "./cpu-meter.ts";

export const INTERRUPT_HOOK = "__outpostInterrupt";

/** Installs the hook (evaluated only where this Node has an inspector; else the pool terminates the thread). */
export function installInterruptHook(meter: CpuMeter, onKilled: (seq: number) => void): void {
  const hook = (seq: number): boolean => {
    if (!meter.abandon(seq)) return false;
    setImmediate(() => onKilled(seq)); // queued before the termination, so it survives it
    const self = new Session();
    self.connect();
    self.post("Runtime.terminateExecution");
    return true;
  };
  Object.defineProperty(globalThis, INTERRUPT_HOOK, { value: hook, configurable: true });
}
