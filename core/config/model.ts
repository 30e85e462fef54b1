// The resolved config model handed to the rest of Outpost: one environment picked, every default filled,
// field names in camelCase. Produced by parseConfig/loadConfig in index.ts.

import type { Route } from "./routes.ts";

export type { Route };

export type Limits = {
  cpuMs: number;
  memoryMb: number;
  subrequests: number;
  wallMs: number;
  maxRequestBodyMb: number;
  maxResponseBodyMb: number;
};

export type KvNamespace = { binding: string; id: string };

export type QueueProducer = { binding: string; queue: string };

export type QueueConsumer = {
  queue: string;
  maxBatchSize: number;
  /** Seconds. */
  maxBatchTimeout: number;
  maxRetries: number;
  deadLetterQueue: string | null;
};

export type AppConfig = {
  /** Absolute path of the config file. */
  file: string;
  /** Absolute directory of the config file; relative paths in it are resolved from here. */
  dir: string;
  name: string;
  /** Absolute path of the entry module. */
  main: string;
  /** YYYY-MM-DD. */
  compatibilityDate: string;
  /** Never empty unless the config says `routes = []`; absent routes resolve to [DEFAULT_ROUTE]. */
  routes: Route[];
  /** Plain-text variables, typed as written (strings, numbers, booleans, arrays, tables). */
  vars: Record<string, unknown>;
  /** Names of secrets the app expects; the values come from elsewhere. */
  secrets: string[];
  kvNamespaces: KvNamespace[];
  queues: { producers: QueueProducer[]; consumers: QueueConsumer[] };
  crons: string[];
  limits: Limits;
  /** null means every region. */
  regions: string[] | null;
  /** The selected `[env.NAME]`, or null for the top level. */
  env: string | null;
};
