// An app's limits as the runtime enforces them, derived from the config's `[limits]` (core/config/schema.ts:
// the same defaults, body sizes in bytes), and what serving one request reports about them.
import { DEFAULT_LIMITS } from "./config/schema.ts";
import type { Limits } from "./config/model.ts";

export interface AppLimits {
  /** Guest CPU time per request; enforced when a CPU meter is installed (worker threads). */
  cpuMs: number;
  /** Linear memory per instance (applied when the component is compiled). */
  memoryMb: number;
  subrequests: number;
  wallMs: number;
  maxRequestBodyBytes: number;
  maxResponseBodyBytes: number;
  /** Instances alive at once for this app on this thread; requests beyond wait for one. */
  maxInstances: number;
}

const MB = 1024 * 1024;

/** Instances of one app alive at once on one thread, unless the host says otherwise (not a config key). */
const DEFAULT_MAX_INSTANCES = 64;

/** The runtime form of a config's (or a manifest's) `[limits]`. */
export function appLimits(limits: Limits): AppLimits {
  return {
    cpuMs: limits.cpuMs,
    memoryMb: limits.memoryMb,
    subrequests: limits.subrequests,
    wallMs: limits.wallMs,
    maxRequestBodyBytes: limits.maxRequestBodyMb * MB,
    maxResponseBodyBytes: limits.maxResponseBodyMb * MB,
    maxInstances: DEFAULT_MAX_INSTANCES,
  };
}

/** The limits of an app whose config sets none. */
export const DEFAULT_APP_LIMITS: Readonly<AppLimits> = Object.freeze(appLimits(DEFAULT_LIMITS));

/** What serving one request did, for metrics. */
export interface ServeInfo { status: number; coldStartMs?: number; limit?: "cpu" | "memory" | "wall" | "request_body" | "response_body" }
