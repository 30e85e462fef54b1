// One instance of a compiled component: its own host imports, one request at a time. The host
// context (current request, subrequest count) changes per request; an instance that trapped or
// timed out is marked broken and never reused.
import type { Dispatcher } from "undici";
import type { CompiledComponent } from "./component.ts";
import { writeImage, type DataImage } from "./data-image.ts";
import { hostImports } from "./host/index.ts";
import type { IncomingRequest, ResponseOutparam } from "./host/http-types.ts";
import type { QueueSender } from "./events.ts";
import type { KvBackend } from "./host/outpost.ts";
import type { LogSink } from "../core/logs/line.ts";
import type { CpuAccount, CpuMeter, CpuOwner } from "./pool/cpu-meter.ts";

export interface InstanceOptions {
  app: string;
  version?: string;
  /** JSON text given to the guest by outpost:edge/config.bindings */
  bindings: string;
  kvNamespaces: Map<string, string>;
  queues: Map<string, string>;
  kv?: KvBackend;
  queue?: QueueSender;
  subrequests: number;
  dispatcher?: Dispatcher;
  onLog: LogSink;
  /** Charges guest CPU time to the current request (a worker thread installs one). */
  meter?: CpuMeter;
}

const WARMUP_REFUSAL = "writes are refused during the warm-up run at deploy";

/** Instantiation on one thread is serialised: the CPU meter attributes wrappers to one owner. */
let instantiating: Promise<unknown> = Promise.resolve();

type Exports = Record<string, Record<string, (...args: any[]) => any>>;

export class Instance implements CpuOwner {
  readonly component: CompiledComponent;
  #exports!: Exports;
  #memories: WebAssembly.Memory[] = [];
  requestId: string | undefined;
  #subrequests = 0;
  /** The CPU account of the request running now (see pool/cpu-meter.ts). */
  account: CpuAccount | null = null;
  /** A warm-up run: no outgoing requests, no writes, no logs. */
  warming = false;
  broken = false;
  requests = 0;

  private constructor(component: CompiledComponent) {
    this.component = component;
  }

  static async create(component: CompiledComponent, opts: InstanceOptions): Promise<Instance> {
    const inst = new Instance(component);
    const log = (level: "info" | "error" | "debug" | "warn", source: "stdout" | "stderr" | "log" | "host", message: string, fields?: Record<string, unknown>) =>
      inst.warming || opts.onLog({ ts: Date.now(), app: opts.app, version: opts.version, requestId: inst.requestId, level, source, message, fields });
    const imports = hostImports({
      bindings: opts.bindings,
      kvNamespaces: opts.kvNamespaces,
      queues: opts.queues,
      kv: opts.kv && {
        get: (ns, key) => opts.kv!.get(ns, key),
        list: (ns, o) => opts.kv!.list(ns, o),
        put: (ns, key, value, o) => (inst.warming ? Promise.reject(new Error(WARMUP_REFUSAL)) : opts.kv!.put(ns, key, value, o)),
        delete: (ns, key) => (inst.warming ? Promise.reject(new Error(WARMUP_REFUSAL)) : opts.kv!.delete(ns, key)),
      },
      queue: opts.queue && {
        send: (q, messages) => (inst.warming ? Promise.reject(new Error(WARMUP_REFUSAL)) : opts.queue!.send(q, messages)),
      },
      log: (level, message, fields) => log(level, "log", message, fields),
      stdio: (stream, line) => log(stream === "stdout" ? "info" : "error", stream, line),
      outgoing: {
        dispatcher: opts.dispatcher,
        admit: (url) => {
          if (inst.warming) return "outgoing requests are not sent during the warm-up run at deploy";
          if (++inst.#subrequests > opts.subrequests) return `subrequest limit reached: at most ${opts.subrequests} per request (limits.subrequests); refused ${url.origin}`;
          return null;
        },
        failed: (url, message) => log("warn", "host", `outgoing fetch to ${url.origin}${url.pathname} failed: ${message}`),
      },
    });
    const getCoreModule = (name: string) => {
      const m = component.modules.get(name);
      if (!m) throw new Error(`component glue asked for unknown core module ${name}`);
      return m;
    };
    const imageOf = new Map<WebAssembly.Module, DataImage>();
    for (const [name, image] of component.images) imageOf.set(component.modules.get(name)!, image);
    const instantiateCore = async (module: WebAssembly.Module, coreImports: WebAssembly.Imports) => {
      const instance = await WebAssembly.instantiate(module, coreImports);
      const image = imageOf.get(module);
      if (image) writeImage(instance, image); // the data its shared code was split from (runtime/data-image.ts)
      for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) inst.#memories.push(value);
      return instance;
    };
    const meter = opts.meter;
    if (!meter) {
      inst.#exports = await component.glue.instantiate(getCoreModule, imports, instantiateCore);
      return inst;
    }
    const previous = instantiating;
    let release!: () => void;
    instantiating = new Promise<void>((r) => (release = r));
    await previous;
    meter.instantiating = inst;
    try {
      inst.#exports = await component.glue.instantiate(getCoreModule, imports, instantiateCore);
    } finally {
      meter.instantiating = null;
      release();
    }
    return inst;
  }

  /** Bytes of linear memory this instance holds now. */
  get memoryBytes(): number {
    return this.#memories.reduce((n, m) => n + m.buffer.byteLength, 0);
  }

  #export(iface: string): Record<string, (...args: any[]) => any> | undefined {
    return Object.entries(this.#exports).find(([name]) => name.startsWith(`${iface}@`))?.[1];
  }

  #begin(requestId: string, account: CpuAccount | null): void {
    this.requestId = requestId;
    this.account = account;
    this.#subrequests = 0;
    this.requests++;
  }

  #end(): void {
    this.requestId = undefined;
    this.account = null;
  }

  /** Runs wasi:http/incoming-handler.handle; resolves when the guest returns (after waitUntil work). */
  async handle(requestId: string, request: IncomingRequest, outparam: ResponseOutparam, account: CpuAccount | null = null): Promise<void> {
    this.#begin(requestId, account);
    try {
      await this.#export("wasi:http/incoming-handler")!.handle(request, outparam);
    } catch (err) {
      this.broken = true;
      throw err;
    } finally {
      this.#end();
    }
  }

  /**
   * Runs `handle` of an exported interface whose result is `result<T, string>` (the event handlers):
   * the guest's Err comes back as `{ ok: false }` and leaves the instance usable; a trap throws and
   * breaks it. The caller checks that the component exports `iface`.
   */
  async handleResult(iface: string, requestId: string, arg: unknown, account: CpuAccount | null): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
    const handler = this.#export(iface);
    if (!handler) throw new Error(`the component does not export ${iface}`);
    this.#begin(requestId, account);
    try {
      return { ok: true, value: await handler.handle(arg) };
    } catch (err) {
      // jco throws a ComponentError carrying the Err value as its own `payload`.
      if (err instanceof Error && Object.hasOwn(err, "payload")) return { ok: false, error: String((err as Error & { payload: unknown }).payload) };
      this.broken = true;
      throw err;
    } finally {
      this.#end();
    }
  }
}
