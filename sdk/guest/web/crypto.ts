// The guest's crypto.subtle. What the engine does right stays its own: digest, and HMAC importKey
// (raw, jwk), sign and verify, faster there than a host call. Every other operation, which the engine
// lacks (encrypt, generateKey, exportKey, deriveBits, wrapKey, ...) or gets wrong (importKey, sign and
// verify trap the instance for RSA and ECDSA), is one outpost:edge/crypto call (./crypto-host.ts), so
// results and errors are WebCrypto's as in workerd; an engine HMAC key goes to the host too when an
// operation needs it there (exportKey, wrapKey). Arguments are checked here as Web IDL does (a
// TypeError, as a rejected promise), algorithms and key data on the host. (The engine's own
// getRandomValues and randomUUID are kept; timingSafeEqual is ./timing-safe-equal.ts.)
import { adoptEngineKey, bytesOf, exported, handlesIn, hostCall, isEngineKey, isKey, keysOf, parseHandle, then } from "./crypto-host.ts";
import { defineMethod } from "./define.ts";

const encoder = new TextEncoder();
const NO_DATA = new Uint8Array(0);

const failed = (op: string, what: string) => new TypeError(`Failed to execute '${op}' on 'SubtleCrypto': ${what}`);

function argc(op: string, given: number, needed: number): void {
  if (given < needed) throw failed(op, `${needed} arguments required, but only ${given} present.`);
}

function buffer(op: string, v: unknown, n: number): Uint8Array {
  const b = bytesOf(v);
  if (!b) throw failed(op, `parameter ${n} is not of type 'BufferSource'.`);
  return b;
}

function key(op: string, v: unknown, n: number): CryptoKey {
  if (!isKey(v)) throw failed(op, `parameter ${n} is not of type 'CryptoKey'.`);
  return v as CryptoKey;
}

type Native = (this: SubtleCrypto, ...args: unknown[]) => Promise<unknown>;
/** The engine's own methods this keeps using for HMAC (set by installCrypto). */
const engine: { importKey?: Native; sign?: Native; verify?: Native; subtle?: SubtleCrypto } = {};
const isHmac = (algorithm: unknown) =>
  algorithm === "HMAC" || String(typeof algorithm === "object" && algorithm !== null ? (algorithm as { name?: unknown }).name : algorithm).toUpperCase() === "HMAC";

/** The engine's HMAC key of a host-made handle (generateKey), which keeps the handle for host calls. */
async function engineHmac(handle: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const { spec, material } = parseHandle(handle);
  const k = (await engine.importKey!.call(engine.subtle!, "raw", material, spec.algorithm, spec.extractable, spec.usages)) as CryptoKey;
  adoptEngineKey(k, () => handle);
  return k;
}

function usages(op: string, v: unknown, n: number): unknown[] {
  if (typeof v === "object" && v !== null && typeof (v as Iterable<unknown>)[Symbol.iterator] === "function") return [...(v as Iterable<unknown>)];
  throw failed(op, `parameter ${n} is not a sequence.`);
}

/** importKey's and unwrapKey's format argument (a DOMString; the host says whether it is a KeyFormat). */
const format = (v: unknown) => String(v);
const arrayBuffer = (b: Uint8Array<ArrayBuffer>) => b.buffer;

async function hostSign(given: number, algorithm: unknown, k: unknown, data: unknown): Promise<ArrayBuffer> {
  argc("sign", given, 3);
  return then(hostCall("sign", { algorithm }, key("sign", k, 2), buffer("sign", data, 3)), arrayBuffer);
}

async function hostVerify(given: number, algorithm: unknown, k: unknown, signature: unknown, data: unknown): Promise<boolean> {
  argc("verify", given, 4);
  const verifying = key("verify", k, 2);
  const params = { algorithm, signature: buffer("verify", signature, 3) };
  return then(hostCall("verify", params, verifying, buffer("verify", data, 4)), (b) => b[0] === 1);
}

const subtle = {
  async encrypt(algorithm: unknown, k: unknown, data: unknown): Promise<ArrayBuffer> {
    argc("encrypt", arguments.length, 3);
    return then(hostCall("encrypt", { algorithm }, key("encrypt", k, 2), buffer("encrypt", data, 3)), arrayBuffer);
  },
  async decrypt(algorithm: unknown, k: unknown, data: unknown): Promise<ArrayBuffer> {
    argc("decrypt", arguments.length, 3);
    return then(hostCall("decrypt", { algorithm }, key("decrypt", k, 2), buffer("decrypt", data, 3)), arrayBuffer);
  },
  // sign and verify hand an engine HMAC key straight to the engine (no async wrapper: no extra promise turns).
  sign(algorithm: unknown, k: unknown, data: unknown): Promise<ArrayBuffer> {
    if (isEngineKey(k) && isHmac(algorithm)) return engine.sign!.call(engine.subtle!, algorithm, k, data) as Promise<ArrayBuffer>;
    return hostSign(arguments.length, algorithm, k, data);
  },
  verify(algorithm: unknown, k: unknown, signature: unknown, data: unknown): Promise<boolean> {
    if (isEngineKey(k) && isHmac(algorithm)) return engine.verify!.call(engine.subtle!, algorithm, k, signature, data) as Promise<boolean>;
    return hostVerify(arguments.length, algorithm, k, signature, data);
  },
  async generateKey(algorithm: unknown, extractable: unknown, keyUsages: unknown): Promise<CryptoKey | CryptoKeyPair> {
    argc("generateKey", arguments.length, 3);
    const params = { algorithm, extractable: Boolean(extractable), usages: usages("generateKey", keyUsages, 3) };
    if (isHmac(algorithm) && engine.importKey) return then(hostCall("generate-key", params, null, NO_DATA), (out) => engineHmac(handlesIn(out)[0]));
    return then(hostCall("generate-key", params, null, NO_DATA), keysOf);
  },
  async importKey(keyFormat: unknown, keyData: unknown, algorithm: unknown, extractable: unknown, keyUsages: unknown): Promise<CryptoKey> {
    argc("importKey", arguments.length, 5);
    const f = format(keyFormat);
    let data: Uint8Array;
    if (f === "jwk") {
      if (typeof keyData !== "object" || keyData === null || bytesOf(keyData)) throw failed("importKey", "parameter 2 is not of type 'JsonWebKey'.");
      data = encoder.encode(JSON.stringify(keyData));
    } else data = buffer("importKey", keyData, 2);
    const params = { format: f, algorithm, extractable: Boolean(extractable), usages: usages("importKey", keyUsages, 5) };
    if (isHmac(algorithm) && engine.importKey && (f === "raw" || f === "jwk")) {
      const k = (await engine.importKey.call(engine.subtle!, f, keyData, algorithm, extractable, params.usages)) as CryptoKey;
      const copy = data.slice();
      // Asked for only inside a host call, so when serving: the host's import answers at once.
      adoptEngineKey(k, () => handlesIn(hostCall("import-key", params, null, copy) as Uint8Array<ArrayBuffer>)[0]);
      return k;
    }
    return then(hostCall("import-key", params, null, data), keysOf) as Promise<CryptoKey>;
  },
  async exportKey(keyFormat: unknown, k: unknown): Promise<JsonWebKey | ArrayBuffer> {
    argc("exportKey", arguments.length, 2);
    const f = format(keyFormat);
    return then(hostCall("export-key", { format: f }, key("exportKey", k, 2), NO_DATA), (b) => exported(f, b));
  },
  async deriveBits(algorithm: unknown, baseKey: unknown, length: unknown): Promise<ArrayBuffer> {
    argc("deriveBits", arguments.length, 2);
    const bits = length === undefined || length === null ? null : Number(length);
    return then(hostCall("derive-bits", { algorithm, length: bits }, key("deriveBits", baseKey, 2), NO_DATA), arrayBuffer);
  },
  async deriveKey(algorithm: unknown, baseKey: unknown, derivedKeyType: unknown, extractable: unknown, keyUsages: unknown): Promise<CryptoKey> {
    argc("deriveKey", arguments.length, 5);
    const base = key("deriveKey", baseKey, 2);
    const params = { algorithm, derivedKeyType, extractable: Boolean(extractable), usages: usages("deriveKey", keyUsages, 5) };
    return then(hostCall("derive-key", params, base, NO_DATA), keysOf) as Promise<CryptoKey>;
  },
  async wrapKey(keyFormat: unknown, k: unknown, wrappingKey: unknown, wrapAlgorithm: unknown): Promise<ArrayBuffer> {
    argc("wrapKey", arguments.length, 4);
    const params = { format: format(keyFormat), algorithm: wrapAlgorithm, wrapped: key("wrapKey", k, 2) };
    return then(hostCall("wrap-key", params, key("wrapKey", wrappingKey, 3), NO_DATA), arrayBuffer);
  },
  async unwrapKey(keyFormat: unknown, wrappedKey: unknown, unwrappingKey: unknown, unwrapAlgorithm: unknown, unwrappedKeyAlgorithm: unknown, extractable: unknown, keyUsages: unknown): Promise<CryptoKey> {
    argc("unwrapKey", arguments.length, 7);
    const data = buffer("unwrapKey", wrappedKey, 2);
    const unwrapping = key("unwrapKey", unwrappingKey, 3);
    const params = {
      format: format(keyFormat), algorithm: unwrapAlgorithm, unwrappedKeyAlgorithm,
      extractable: Boolean(extractable), usages: usages("unwrapKey", keyUsages, 7),
    };
    return then(hostCall("unwrap-key", params, unwrapping, data), keysOf) as Promise<CryptoKey>;
  },
};

/**
 * Puts these operations on SubtleCrypto.prototype (so `crypto.subtle.x` and the prototype's agree),
 * keeping the engine's digest, and its importKey/sign/verify for HMAC. Calls no host import: it runs
 * in the build's snapshot.
 */
export function installCrypto(): void {
  if (typeof crypto !== "object" || crypto === null || typeof crypto.subtle !== "object") return;
  engine.subtle = crypto.subtle;
  const proto = Object.getPrototypeOf(crypto.subtle) as Record<string, unknown>;
  for (const name of ["importKey", "sign", "verify"] as const) if (typeof proto[name] === "function") engine[name] = proto[name] as Native;
  if (!engine.sign || !engine.verify) delete engine.importKey; // HMAC keys only from the engine when it can use them
  for (const [name, fn] of Object.entries(subtle)) defineMethod(proto, name, fn);
}
