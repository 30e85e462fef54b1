// What every route of the API gets: the store, the auth checker, live regions, the deploy coordinator,
// the region token (to call regions) and tunables.
import type { Auth } from "../auth.ts";
import type { DeployCoordinator } from "../deploy/coordinator.ts";
import type { Events } from "../events/service.ts";
import type { LiveRegions } from "../deploy/live-regions.ts";
import type { Store } from "../store/store.ts";
import type { RouterType } from "itty-router";

export interface ApiContext {
  store: Store;
  auth: Auth;
  live: LiveRegions;
  deploys: DeployCoordinator;
  /** Sent to regions when the CP calls them (logs fan-in; events use it through `events`). */
  regionToken: string;
  /** Idle ping interval of the log stream (spec: 5 s). */
  pingMs: number;
  /** Largest version upload body. */
  maxUploadBytes: number;
  /** Aborts when the CP shuts down: long-lived streams end cleanly. */
  closing: AbortSignal;
  /** Queues and crons (spec/events.md). */
  events: Events;
}

export type ApiRouter = RouterType;
