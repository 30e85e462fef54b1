// Ambient types for the WIT imports the guest shim uses, as componentize-js presents them to JS.
// Only the members the shim calls are declared; errors from `result` functions are thrown.
declare module "wasi:http/types@0.2.10" {
  export type Method = { tag: string; val?: string };
  export type Scheme = { tag: "HTTP" | "HTTPS" | "other"; val?: string };
  export class Fields {
    constructor();
    static fromList(entries: Array<[string, Uint8Array]>): Fields;
    append(name: string, value: Uint8Array): void;
    entries(): Array<[string, Uint8Array]>;
  }
  export class InputStream {
    blockingRead(len: bigint): Uint8Array;
    [Symbol.dispose](): void;
  }
  export class OutputStream {
    checkWrite(): bigint;
    write(contents: Uint8Array): void;
    flush(): void;
    blockingFlush(): void;
    subscribe(): { block(): void; [Symbol.dispose](): void };
    [Symbol.dispose](): void;
  }
  export class IncomingBody {
    stream(): InputStream;
  }
  export class IncomingRequest {
    method(): Method;
    pathWithQuery(): string | undefined;
    scheme(): Scheme | undefined;
    authority(): string | undefined;
    headers(): Fields;
    consume(): IncomingBody;
  }
  export class OutgoingBody {
    write(): OutputStream;
    static finish(body: OutgoingBody, trailers: Fields | undefined): void;
  }
  export class OutgoingResponse {
    constructor(headers: Fields);
    setStatusCode(code: number): void;
    body(): OutgoingBody;
  }
  export class ResponseOutparam {
    static set(param: ResponseOutparam, response: { tag: "ok"; val: OutgoingResponse } | { tag: "err"; val: { tag: string; val?: unknown } }): void;
  }
}

declare module "outpost:edge/config@0.1.0" {
  export function bindings(): string;
}

declare module "outpost:edge/log@0.1.0" {
  export function write(level: "debug" | "info" | "warn" | "error", message: string, fields: string): void;
}

declare module "outpost:edge/kv@0.1.0" {
  export type ValueWithMetadata = { value: Uint8Array; metadata?: string };
  export type KeyInfo = { name: string; expiration?: bigint; metadata?: string };
  export function get(namespace: string, key: string): ValueWithMetadata | undefined;
  export function put(namespace: string, key: string, value: Uint8Array, options: { expiration?: bigint; expirationTtl?: bigint; metadata?: string }): void;
  function _delete(namespace: string, key: string): void;
  export { _delete as delete };
  export function listKeys(namespace: string, options: { prefix?: string; limit?: number; cursor?: string }): { keys: KeyInfo[]; listComplete: boolean; cursor?: string };
}

declare module "outpost:edge/queue@0.1.0" {
  export type MessageBody = { body: Uint8Array; contentType: string; delaySeconds?: number };
  export function send(queue: string, message: MessageBody): void;
  export function sendBatch(queue: string, messages: MessageBody[]): void;
}

declare module "outpost:edge/intl@0.1.0" {
  export function open(kind: string, locales: string, options: string): { handle: number; resolved: string };
  export function call(handle: number, request: string): string;
  export function normalize(text: string, form: string): string;
}

declare module "outpost:edge/url-pattern@0.1.0" {
  export function compile(pattern: string): { handle: number; parts: string };
  export function exec(handle: number, input: string): string | undefined;
  export function test(handle: number, input: string): boolean;
}

declare module "outpost:edge/crypto@0.1.0" {
  export type Op = "import-key" | "export-key" | "generate-key" | "encrypt" | "decrypt" | "sign" | "verify" | "derive-bits" | "derive-key" | "wrap-key" | "unwrap-key";
  export function call(op: Op, request: Uint8Array): Uint8Array;
}
