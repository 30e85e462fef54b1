// Validates the binding fields of one config layer: [vars], secrets, [[kv_namespaces]] and [queues].
// Each binding name is also returned with its path so duplicates across kinds can be reported later.

import { array, has, integer, knownKeys, matching, nameList, table } from "./checks.ts";
import type { Table } from "./checks.ts";
import type { FieldPath } from "./field-path.ts";
import type { QueueConsumer, QueueProducer } from "../../core/config/model.ts";
import type { Reporter } from "./report.ts";
import { BINDING_NAME, CONSUMER_INTS, CONSUMER_KEYS, KV_ID, KV_KEYS, PRODUCER_KEYS, QUEUE_NAME, QUEUES_KEYS } from "../../core/config/schema.ts";
import type { IntRule, Syntax } from "../../core/config/schema.ts";
import { toPlain } from "./values.ts";

/** A binding name and where it was declared. */
export type BindingRef = { name: string; path: FieldPath };

/** A KV namespace before defaults: `id` is null when the config left it to default. */
export type KvSpec = { binding: string; id: string | null };

export type QueuesSpec = { producers: QueueProducer[]; consumers: QueueConsumer[] };

export function checkVars(v: unknown, path: FieldPath, r: Reporter): { vars: Record<string, unknown>; refs: BindingRef[] } | undefined {
  const t = table(v, path, r);
  if (!t) return undefined;
  const vars: Record<string, unknown> = {};
  const refs: BindingRef[] = [];
  for (const [key, value] of Object.entries(t)) {
    Object.defineProperty(vars, key, { value: toPlain(value), enumerable: true, writable: true, configurable: true });
    refs.push({ name: key, path: [...path, key] });
  }
  return { vars, refs };
}

export function checkSecrets(v: unknown, path: FieldPath, r: Reporter): { secrets: string[]; refs: BindingRef[] } | undefined {
  const secrets = nameList(v, path, r, BINDING_NAME.re, BINDING_NAME.rule);
  if (!secrets) return undefined;
  const items = v as unknown[];
  const refs = secrets.map((name) => ({ name, path: [...path, items.indexOf(name)] }));
  return { secrets, refs };
}

/** Each entry of an array of tables, checked for known keys; bad entries are reported and skipped. */
function entries(v: unknown, path: FieldPath, r: Reporter, known: readonly string[]): [Table, FieldPath][] {
  const items = array(v, path, r) ?? [];
  const out: [Table, FieldPath][] = [];
  items.forEach((item, n) => {
    const t = table(item, [...path, n], r);
    if (!t) return;
    knownKeys(t, known, [...path, n], r);
    out.push([t, [...path, n]]);
  });
  return out;
}

function required(t: Table, key: string, at: FieldPath, r: Reporter, syntax: Syntax): string | undefined {
  if (!has(t, key)) {
    r.add([...at, key], "is required");
    return undefined;
  }
  return matching(t[key], [...at, key], r, syntax.re, syntax.rule);
}

function optionalInt(t: Table, at: FieldPath, r: Reporter, rule: IntRule): number | undefined {
  return has(t, rule.key) ? integer(t[rule.key], [...at, rule.key], r, rule.min, rule.max) : rule.default;
}

export function checkKv(v: unknown, path: FieldPath, r: Reporter): { kv: KvSpec[]; refs: BindingRef[] } {
  const kv: KvSpec[] = [];
  const refs: BindingRef[] = [];
  for (const [t, at] of entries(v, path, r, KV_KEYS)) {
    const binding = required(t, "binding", at, r, BINDING_NAME);
    const id = has(t, "id") ? matching(t.id, [...at, "id"], r, KV_ID.re, KV_ID.rule) : null;
    if (binding === undefined || id === undefined) continue;
    kv.push({ binding, id });
    refs.push({ name: binding, path: [...at, "binding"] });
  }
  return { kv, refs };
}

export function checkQueues(v: unknown, path: FieldPath, r: Reporter): { queues: QueuesSpec; refs: BindingRef[] } | undefined {
  const t = table(v, path, r);
  if (!t) return undefined;
  knownKeys(t, QUEUES_KEYS, path, r);
  const queues: QueuesSpec = { producers: [], consumers: [] };
  const refs: BindingRef[] = [];
  if (has(t, "producers")) {
    for (const [p, at] of entries(t.producers, [...path, "producers"], r, PRODUCER_KEYS)) {
      const binding = required(p, "binding", at, r, BINDING_NAME);
      const queue = required(p, "queue", at, r, QUEUE_NAME);
      if (binding === undefined || queue === undefined) continue;
      queues.producers.push({ binding, queue });
      refs.push({ name: binding, path: [...at, "binding"] });
    }
  }
  if (has(t, "consumers")) {
    for (const [c, at] of entries(t.consumers, [...path, "consumers"], r, CONSUMER_KEYS)) {
      const consumer = checkConsumer(c, at, r);
      if (!consumer) continue;
      if (queues.consumers.some((other) => other.queue === consumer.queue)) {
        r.add([...at, "queue"], `queue "${consumer.queue}" already has a consumer; a queue can have only one`);
        continue;
      }
      queues.consumers.push(consumer);
    }
  }
  return { queues, refs };
}

function checkConsumer(c: Table, at: FieldPath, r: Reporter): QueueConsumer | undefined {
  const queue = required(c, "queue", at, r, QUEUE_NAME);
  const maxBatchSize = optionalInt(c, at, r, CONSUMER_INTS.max_batch_size);
  const maxBatchTimeout = optionalInt(c, at, r, CONSUMER_INTS.max_batch_timeout);
  const maxRetries = optionalInt(c, at, r, CONSUMER_INTS.max_retries);
  let deadLetterQueue: string | null | undefined = null;
  if (has(c, "dead_letter_queue")) {
    deadLetterQueue = matching(c.dead_letter_queue, [...at, "dead_letter_queue"], r, QUEUE_NAME.re, QUEUE_NAME.rule);
    if (deadLetterQueue !== undefined && deadLetterQueue === queue) {
      r.add([...at, "dead_letter_queue"], "must differ from the queue it serves");
      deadLetterQueue = undefined;
    }
  }
  if (queue === undefined || maxBatchSize === undefined || maxBatchTimeout === undefined) return undefined;
  if (maxRetries === undefined || deadLetterQueue === undefined) return undefined;
  return { queue, maxBatchSize, maxBatchTimeout, maxRetries, deadLetterQueue };
}
