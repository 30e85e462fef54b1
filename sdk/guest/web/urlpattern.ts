// The guest's URLPattern (the engine has none) over outpost:edge/url-pattern: the constructor's arguments,
// as plain values, are the pattern's identity; the host compiles them once per instance (a pattern made
// again asks the host nothing) and answers test() and exec() by handle, one call each. A pattern made by
// top-level code (build time, no host) is compiled at first use, so its errors surface there instead.
import { compile, exec as hostExec, test as hostTest } from "outpost:edge/url-pattern@0.1.0";
import { decode } from "../../../core/wire-json.ts";
import { defineGlobal } from "./define.ts";
import { isLive, memoOpen, onHost, optionsJson, type Memo, type Opened } from "./host-call.ts";

type Parts = Record<"protocol" | "username" | "password" | "hostname" | "port" | "pathname" | "search" | "hash", string> & { hasRegExpGroups: boolean };
const memo: Memo<Parts> = new Map();

/** The JSON list of call arguments, objects as V8 reads them, without trailing undefined ones (missing, for WebIDL). */
function argsJson(args: unknown[]): string {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  return `[${args.slice(0, n).map(optionsJson).join(",")}]`;
}

export class URLPattern {
  readonly #pattern: string;
  #o: Opened<Parts> | null = null;

  constructor(input?: unknown, baseURL?: unknown, options?: unknown) {
    this.#pattern = argsJson([input === undefined ? {} : input, baseURL, options]);
    if (isLive()) this.#compiled();
  }

  #compiled(): Opened<Parts> {
    return (this.#o ??= memoOpen(memo, this.#pattern, "new URLPattern()", () => {
      const r = compile(this.#pattern);
      return { handle: r.handle, value: JSON.parse(r.parts) as Parts };
    }));
  }

  get protocol() { return this.#compiled().value.protocol; }
  get username() { return this.#compiled().value.username; }
  get password() { return this.#compiled().value.password; }
  get hostname() { return this.#compiled().value.hostname; }
  get port() { return this.#compiled().value.port; }
  get pathname() { return this.#compiled().value.pathname; }
  get search() { return this.#compiled().value.search; }
  get hash() { return this.#compiled().value.hash; }
  get hasRegExpGroups() { return this.#compiled().value.hasRegExpGroups; }

  test(input?: unknown, baseURL?: unknown): boolean {
    const request = argsJson([input === undefined ? {} : input, baseURL]);
    return onHost("URLPattern.prototype.test", this.#compiled(), (h) => hostTest(h, request));
  }

  exec(input?: unknown, baseURL?: unknown): unknown {
    const request = argsJson([input === undefined ? {} : input, baseURL]);
    const result = onHost("URLPattern.prototype.exec", this.#compiled(), (h) => hostExec(h, request));
    return result === undefined || result === null ? null : decode(result);
  }
}
Object.defineProperty(URLPattern.prototype, Symbol.toStringTag, { value: "URLPattern", configurable: true });

/** Defines globalThis.URLPattern when the engine has none. */
export function installURLPattern(): void {
  if (typeof (globalThis as { URLPattern?: unknown }).URLPattern !== "undefined") return;
  defineGlobal("URLPattern", URLPattern);
}
