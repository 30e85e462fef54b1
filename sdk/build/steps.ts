// Times the named steps of a build and reports each one as it starts and ends.

export type ProgressFn = (step: string, ms?: number) => void;
export interface StepTiming { name: string; ms: number }

export class StepTimer {
  readonly steps: StepTiming[] = [];
  readonly #onProgress: ProgressFn | undefined;

  constructor(onProgress?: ProgressFn) {
    this.#onProgress = onProgress;
  }

  /** Runs `fn` as step `name`: reports `(name)` before and `(name, ms)` after, and records the time. */
  async run<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    this.#onProgress?.(name);
    const start = performance.now();
    const value = await fn();
    const ms = Math.round((performance.now() - start) * 10) / 10;
    this.steps.push({ name, ms });
    this.#onProgress?.(name, ms);
    return value;
  }
}
