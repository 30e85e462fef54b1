// Main-thread side of stopping a runaway guest without stopping its thread. The inspector's NodeWorker
// domain reaches every worker thread, and a message to a worker is dispatched as a V8 interrupt even
// while that thread spins in wasm: the pool sends `Runtime.evaluate` of the worker's interrupt hook
// (runtime/pool/self-interrupt.ts), which terminates the thread's current execution only if the
// request named is the one running there, checked on that thread, so a request that just finished is
// never mistaken for it. The inspector is attached only while an interrupt is under way (attaching takes
// about 5 ms, even to a thread spinning in wasm), so workers normally run with no session open. Without an
// inspector (a Node built without one) `interrupt` answers "unavailable" and the caller terminates
// the thread instead.
import { Session } from "node:inspector";
import { INTERRUPT_HOOK } from "./self-interrupt.ts";

/** How long attaching to a worker may take before the caller falls back to terminating the thread. */
const ATTACH_TIMEOUT_MS = 200;

let named = 0;

export type InterruptResult = "terminated" | "not-running" | "unavailable";

type WorkerMessage = { id?: number; result?: { result?: { value?: unknown } }; error?: { message: string } };

export class Interrupter {
  #session: Session | null = null;
  /** Worker name (the inspector's target title ends with it) → its inspector session id. */
  #workers = new Map<string, string>();
  #attachWaiters = new Map<string, Array<() => void>>();
  #waiting = new Map<number, (r: InterruptResult) => void>();
  #ids = 0;
  #closed = false;

  /** A name for a new worker (its `name` option) that tells it apart from every other worker in the process. */
  static workerName(): string { return `outpost-runtime-${process.pid}-${++named}`; }

  #attach(): Session | null {
    if (this.#session || this.#closed) return this.#session;
    const s = new Session();
    try {
      s.connect();
    } catch {
      return null; // no inspector in this build of Node
    }
    s.on("NodeWorker.attachedToWorker", (m: { params: { sessionId: string; workerInfo: { title: string } } }) => {
      // The title is "[worker N] name"; N is not the thread id, so threads are told apart by name.
      const name = m.params.workerInfo.title.replace(/^\[worker \d+\] /, "");
      this.#workers.set(name, m.params.sessionId);
      for (const w of this.#attachWaiters.get(name) ?? []) w();
      this.#attachWaiters.delete(name);
    });
    s.on("NodeWorker.receivedMessageFromWorker", (m: { params: { message: string } }) => this.#answer(m.params.message));
    s.post("NodeWorker.enable", { waitForDebuggerOnStart: false });
    this.#session = s;
    return s;
  }

  /** Detaches once nothing is under way, so the workers run without inspector sessions. */
  #detach(): void {
    if (this.#waiting.size || this.#attachWaiters.size || !this.#session) return;
    this.#session.disconnect();
    this.#session = null;
    this.#workers.clear();
  }

  async #sessionOf(name: string): Promise<string | undefined> {
    if (!this.#attach()) return undefined;
    if (!this.#workers.has(name)) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ATTACH_TIMEOUT_MS);
        const list = this.#attachWaiters.get(name) ?? [];
        list.push(() => { clearTimeout(timer); resolve(); });
        this.#attachWaiters.set(name, list);
      });
      this.#attachWaiters.delete(name);
    }
    return this.#workers.get(name);
  }

  /** Cuts short request `seq` on the worker named `name` if it is still running there. */
  async interrupt(name: string, seq: number): Promise<InterruptResult> {
    const sessionId = await this.#sessionOf(name);
    const session = this.#session;
    if (!session || sessionId === undefined) {
      this.#detach();
      return "unavailable";
    }
    const id = ++this.#ids;
    const answered = new Promise<InterruptResult>((resolve) => this.#waiting.set(id, resolve));
    const message = JSON.stringify({ id, method: "Runtime.evaluate", params: { expression: `globalThis[${JSON.stringify(INTERRUPT_HOOK)}](${seq})`, returnByValue: true } });
    session.post("NodeWorker.sendMessageToWorker", { sessionId, message }, (err) => { if (err) this.#settle(id, "unavailable"); });
    const r = await answered;
    this.#detach();
    return r;
  }

  #answer(text: string): void {
    let m: WorkerMessage;
    try { m = JSON.parse(text) as WorkerMessage; } catch { return; }
    if (m.id === undefined) return;
    this.#settle(m.id, m.result?.result?.value === true ? "terminated" : m.error ? "unavailable" : "not-running");
  }

  #settle(id: number, r: InterruptResult): void {
    const w = this.#waiting.get(id);
    this.#waiting.delete(id);
    w?.(r);
  }

  close(): void {
    this.#closed = true;
    for (const id of [...this.#waiting.keys()]) this.#settle(id, "unavailable");
    this.#session?.disconnect();
    this.#session = null;
  }
}
