// The per-invocation ExecutionContext and the `env` object, built once per instance from the
// host's outpost:edge/config bindings: [vars] (strings or JSON values), secrets, KV and queues.
import { bindings } from "outpost:edge/config@0.1.0";
import type { ExecutionContext } from "../types.ts";
import { kvNamespace } from "./kv.ts";
import { queueProducer } from "./queue.ts";

type Bindings = { vars: Record<string, unknown>; secrets: Record<string, string>; kv: string[]; queues: string[] };

let env: Record<string, unknown> | null = null;

export function getEnv(): Record<string, unknown> {
  if (env) return env;
  const b = JSON.parse(bindings()) as Bindings;
  const out: Record<string, unknown> = { ...b.vars, ...b.secrets };
  for (const name of b.kv) out[name] = kvNamespace(name);
  for (const name of b.queues) out[name] = queueProducer(name);
  env = Object.freeze(out);
  return env;
}

export class Context implements ExecutionContext {
  readonly pending: Promise<unknown>[] = [];
  waitUntil(promise: Promise<unknown>): void {
    this.pending.push(Promise.resolve(promise));
  }
  passThroughOnException(): void {}
  /** Waits for every waitUntil promise, including ones added while waiting. */
  async settle(onError: (err: unknown) => void): Promise<void> {
    for (let i = 0; i < this.pending.length; i++) {
      try { await this.pending[i]; } catch (err) { onError(err); }
    }
  }
}
