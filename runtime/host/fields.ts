// wasi:http/types.fields: an ordered multimap of lower-cased names to byte values, mutable unless it
// belongs to a request or response already handed over. Hop-by-hop headers are forbidden, as in
// wasmtime, because the host owns the connection.

type HeaderError = { tag: "invalid-syntax" } | { tag: "forbidden" } | { tag: "immutable" };
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FORBIDDEN = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings"]);
const decoder = new TextDecoder();
const encoder = new TextEncoder();

function validValue(value: Uint8Array): boolean {
  for (const b of value) if (b === 0 || b === 10 || b === 13) return false;
  return true;
}

export class Fields {
  #entries: Array<[string, Uint8Array]> = [];
  #immutable = false;

  static fromList(entries: Array<[string, Uint8Array]>): Fields {
    const f = new Fields();
    for (const [name, value] of entries) f.append(name, value);
    return f;
  }

  /** Built by the host from Node or undici headers; marked immutable. */
  static fromHost(pairs: Iterable<[string, string]>, immutable = true): Fields {
    const f = new Fields();
    for (const [name, value] of pairs) {
      const lower = name.toLowerCase();
      if (FORBIDDEN.has(lower)) continue;
      f.#entries.push([lower, encoder.encode(value)]);
    }
    f.#immutable = immutable;
    return f;
  }

  freeze(): this { this.#immutable = true; return this; }

  #checkName(name: string): string {
    if (!TOKEN.test(name)) throw { tag: "invalid-syntax" } satisfies HeaderError;
    const lower = name.toLowerCase();
    if (FORBIDDEN.has(lower)) throw { tag: "forbidden" } satisfies HeaderError;
    return lower;
  }

  #checkMutable(): void {
    if (this.#immutable) throw { tag: "immutable" } satisfies HeaderError;
  }

  get(name: string): Uint8Array[] {
    const lower = name.toLowerCase();
    return this.#entries.filter(([n]) => n === lower).map(([, v]) => v);
  }

  has(name: string): boolean {
    const lower = name.toLowerCase();
    return this.#entries.some(([n]) => n === lower);
  }

  set(name: string, values: Uint8Array[]): void {
    this.#checkMutable();
    const lower = this.#checkName(name);
    if (!values.every(validValue)) throw { tag: "invalid-syntax" } satisfies HeaderError;
    this.#entries = this.#entries.filter(([n]) => n !== lower);
    for (const v of values) this.#entries.push([lower, v.slice()]);
  }

  delete(name: string): void {
    this.#checkMutable();
    const lower = this.#checkName(name);
    this.#entries = this.#entries.filter(([n]) => n !== lower);
  }

  append(name: string, value: Uint8Array): void {
    this.#checkMutable();
    const lower = this.#checkName(name);
    if (!validValue(value)) throw { tag: "invalid-syntax" } satisfies HeaderError;
    this.#entries.push([lower, value.slice()]);
  }

  entries(): Array<[string, Uint8Array]> { return this.#entries.map(([n, v]) => [n, v]); }

  clone(): Fields {
    const f = new Fields();
    f.#entries = this.entries();
    return f;
  }

  /** Pairs for Node's `writeHead` / undici: values decoded as latin1-safe text. */
  toHost(): Array<[string, string]> {
    return this.#entries.map(([n, v]) => [n, decoder.decode(v)]);
  }

  [Symbol.dispose](): void {}
}
