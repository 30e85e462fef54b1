// The per-run limits a request and an event share (runtime/app.ts, runtime/app-events.ts): the
// wall-time race and the memory check that decides whether an instance is replaced after a run.
import type { Instance } from "./instance.ts";

/** Waits for `run`, or for `wallMs` to pass first ("timeout"; the run goes on in the background). */
export async function beforeWallLimit<T>(run: Promise<T>, wallMs: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const wall = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), wallMs)));
  try {
    return await Promise.race([run, wall]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * An instance whose memory came within 10% of the limit is replaced even if the guest coped (an
 * allocator reports out-of-memory before the last pages are used): wasm memory never shrinks, so it
 * would keep failing.
 */
export function nearMemoryLimit(inst: Instance, memoryMb: number): boolean {
  return inst.memoryBytes >= 0.9 * memoryMb * 1024 * 1024;
}
