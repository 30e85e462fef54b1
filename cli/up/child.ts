// One process `outpost up` supervises (the control plane or an edge region): started in its own process
// group so a terminal's Ctrl-C reaches only `outpost up`, which stops it in order; every output line is
// appended to its log file and the error-looking ones are handed to `onError`; `stop()` sends SIGTERM,
// waits, and sends SIGKILL after 5 s.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";

export interface ChildOptions {
  name: string;
  /** Script and arguments, run with this Node. */
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  logPath: string;
  /** Called with each output line that looks like an error or a warning. */
  onError(name: string, line: string): void;
  /** Called when the process exits without being asked to. */
  onUnexpectedExit(name: string, how: string): void;
}

const ERRORISH = /\b(error|errors|fatal|refused|failed|cannot|unreachable|NOT ACTIVATED|exception|panic|EADDRINUSE)\b/i;
const STOP_GRACE_MS = 5000;

export class Child {
  readonly name: string;
  readonly logPath: string;
  readonly proc: ChildProcess;
  /** Resolves with how the process ended ("exit code 1", "signal SIGKILL"). */
  readonly exited: Promise<string>;
  #log: WriteStream;
  #lines: string[] = [];
  #waiters = new Set<() => void>();
  #stopping = false;

  constructor(opts: ChildOptions) {
    this.name = opts.name;
    this.logPath = opts.logPath;
    this.#log = createWriteStream(opts.logPath, { flags: "a" });
    this.#log.write(`--- ${new Date().toISOString()} outpost up starts ${opts.name}: node ${opts.argv.join(" ")}\n`);
    this.proc = spawn(process.execPath, opts.argv, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    for (const stream of [this.proc.stdout!, this.proc.stderr!]) {
      let pending = "";
      stream.on("data", (d: Buffer) => {
        pending += d.toString();
        let nl: number;
        while ((nl = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          this.#line(line, opts);
        }
      });
    }
    this.exited = new Promise((resolve) => {
      this.proc.on("error", (e) => {
        this.#line(`cannot start: ${e.message}`, opts);
        resolve(`could not start (${e.message})`);
      });
      this.proc.on("exit", (code, signal) => {
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        this.#log.end(`--- ${new Date().toISOString()} ${opts.name} ended (${how})\n`);
        for (const w of this.#waiters) w();
        if (!this.#stopping) opts.onUnexpectedExit(opts.name, how);
        resolve(how);
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  #line(line: string, opts: ChildOptions): void {
    this.#log.write(line + "\n");
    this.#lines.push(line);
    if (this.#lines.length > 200) this.#lines.splice(0, 100);
    if (ERRORISH.test(line)) opts.onError(opts.name, line);
    for (const w of this.#waiters) w();
  }

  /** The last `n` output lines (for error messages). */
  tail(n: number = 8): string {
    return this.#lines.slice(-n).map((l) => `    ${l}`).join("\n");
  }

  /** Resolves with the first match of `pattern` in a line printed from now on (or already printed). */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        for (const l of this.#lines) {
          const m = pattern.exec(l);
          if (m) return finish(() => resolve(m));
        }
        if (!this.running) finish(() => reject(new Error(`${this.name} exited before it was ${what}; its last lines (all in ${this.logPath}):\n${this.tail()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${this.name} was not ${what} after ${timeoutMs / 1000} s; its last lines (all in ${this.logPath}):\n${this.tail()}`))), timeoutMs);
      const finish = (then: () => void) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        then();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited after 5 s; resolves once it has exited. */
  async stop(): Promise<string> {
    this.#stopping = true;
    if (!this.running) return this.exited;
    try {
      this.proc.kill("SIGTERM");
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        this.proc.kill("SIGKILL");
      } catch {
        // already gone
      }
    }, STOP_GRACE_MS);
    const how = await this.exited;
    clearTimeout(timer);
    return how;
  }

  /** Last resort when `outpost up` itself is exiting abruptly. */
  killNow(): void {
    this.#stopping = true;
    if (this.running) this.proc.kill("SIGKILL");
  }
}
