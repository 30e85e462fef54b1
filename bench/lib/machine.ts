// What machine a benchmark ran on: Node and V8 versions, CPU model, cores, OS, memory, and how busy
// it was (1-minute load average at start and end: other work on the cores inflates every number).
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";

export interface MachineInfo {
  node: string;
  v8: string;
  cpu: string;
  cores: number;
  os: string;
  memoryGiB: number;
  load1AtStart: number;
  load1AtEnd: number | null;
}

export function machineInfo(): MachineInfo {
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    os: `${process.platform} ${release()} ${process.arch}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    load1AtStart: loadavg()[0],
    load1AtEnd: null,
  };
}

/** The machine with the end-of-run load filled in. */
export function finishMachineInfo(m: MachineInfo): MachineInfo {
  return { ...m, load1AtEnd: loadavg()[0] };
}

export function describeMachine(m: MachineInfo): string {
  const load = `load avg (1 min) ${m.load1AtStart.toFixed(2)} at start${m.load1AtEnd === null ? "" : `, ${m.load1AtEnd.toFixed(2)} at end`}`;
  return `node ${m.node} (V8 ${m.v8}), ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; ${load}`;
}

/** A warning when something else was already using the cores, or null. */
export function busyWarning(m: MachineInfo): string | null {
  return m.load1AtStart > m.cores * 0.25
    ? `the machine was busy when the run started (load ${m.load1AtStart.toFixed(2)} on ${m.cores} cores): numbers are likely inflated; rerun when it is idle`
    : null;
}
