// One version of an app as the runtime runs it: its name, bindings (vars, secrets, KV namespaces, queue
// producers), limits and spare instances. The pool's deploy, a worker's load message and ComponentApp's
// options all carry this one shape; `appSpec` fills in what a caller left out.
import { DEFAULT_APP_LIMITS, type AppLimits } from "../core/limits.ts";
import type { KvNamespace, QueueProducer } from "../core/config/model.ts";

export interface AppSpec {
  name: string;
  /** Absent for an app loaded on its own (tests, tools); the pool always names one. */
  version?: string;
  vars: Record<string, unknown>;
  secrets: Record<string, string>;
  kvNamespaces: KvNamespace[];
  /** Queue producers: binding → queue name. */
  queues: QueueProducer[];
  limits: AppLimits;
  /** Idle instances kept instantiated ahead of requests. */
  spares: number;
}

/** What a caller states of an app: its name, and whichever fields differ from the defaults. */
export type AppSpecInput = Pick<AppSpec, "name" | "version"> & Partial<Omit<AppSpec, "name" | "version" | "limits">> & { limits?: Partial<AppLimits> };

/** The spec with every default filled: no bindings, the default limits, one spare. */
export function appSpec(input: AppSpecInput): AppSpec {
  return {
    name: input.name,
    version: input.version,
    vars: input.vars ?? {},
    secrets: input.secrets ?? {},
    kvNamespaces: input.kvNamespaces ?? [],
    queues: input.queues ?? [],
    limits: { ...DEFAULT_APP_LIMITS, ...input.limits },
    spares: input.spares ?? 1,
  };
}
