// The InstanceOptions the benchmark creates instances with: the app's vars as bindings, no KV or
// queues, logs dropped. Mirrors what ComponentApp builds for an app without bindings.
import type { InstanceOptions } from "../../runtime/instance.ts";

export function instanceOptions(name: string, vars: Record<string, unknown>): InstanceOptions {
  return {
    app: name,
    bindings: JSON.stringify({ vars, secrets: {}, kv: [], queues: [] }),
    kvNamespaces: new Map(),
    queues: new Map(),
    subrequests: 50,
    onLog: () => {},
  };
}
