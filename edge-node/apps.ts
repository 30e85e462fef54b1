// The apps deployed on this node: for each, the active version (a loaded, warmed ComponentApp)
// and its routes. A new version is loaded and warmed before it replaces the old one, so no
// request waits for a compile; requests already running finish on the version they started on.
import type { Dispatcher } from "undici";
import type { Manifest } from "../sdk/build/index.ts";
import { ComponentApp } from "../runtime/app.ts";
import type { KvBackend, QueueBackend } from "../runtime/host/outpost.ts";
import type { LogSink } from "../runtime/logs.ts";
import { RouteTable } from "./route-table.ts";

export interface Deployment {
  name: string;
  version: string;
  manifest: Manifest;
  app: ComponentApp;
  deployedAt: number;
}

export interface RegistryOptions {
  cacheDir: string;
  onLog: LogSink;
  kv?: KvBackend;
  queue?: QueueBackend;
  dispatcher?: Dispatcher;
}

const MB = 1024 * 1024;

export class AppRegistry {
  readonly routes = new RouteTable();
  #apps = new Map<string, Deployment>();
  #opts: RegistryOptions;

  constructor(opts: RegistryOptions) { this.#opts = opts; }

  get(name: string): Deployment | undefined { return this.#apps.get(name); }
  list(): Deployment[] { return [...this.#apps.values()]; }

  /** Loads, warms and activates `bytes` as the app `manifest.name`. */
  async deploy(bytes: Uint8Array, manifest: Manifest, secrets: Record<string, string> = {}): Promise<Deployment> {
    const version = manifest.sha256.slice(0, 12);
    const app = await ComponentApp.load(bytes, {
      name: manifest.name,
      version,
      vars: manifest.vars,
      secrets,
      kvNamespaces: manifest.kvNamespaces,
      queues: manifest.queues.producers,
      kv: this.#opts.kv,
      queue: this.#opts.queue,
      dispatcher: this.#opts.dispatcher,
      onLog: this.#opts.onLog,
      cacheDir: this.#opts.cacheDir,
      limits: {
        subrequests: manifest.limits.subrequests,
        wallMs: manifest.limits.wallMs,
        maxRequestBodyBytes: manifest.limits.maxRequestBodyMb * MB,
        maxResponseBodyBytes: manifest.limits.maxResponseBodyMb * MB,
      },
    });
    await app.warm();
    const deployment: Deployment = { name: manifest.name, version, manifest, app, deployedAt: Date.now() };
    const previous = this.#apps.get(manifest.name);
    this.#apps.set(manifest.name, deployment);
    this.routes.set(manifest.name, manifest.routes);
    if (previous && previous.app !== app) void previous.app.drain();
    return deployment;
  }

  async remove(name: string): Promise<void> {
    const d = this.#apps.get(name);
    this.#apps.delete(name);
    this.routes.delete(name);
    await d?.app.drain();
  }
}
