// Host side of outpost:edge/crypto (spec/world.md#crypto): the WebCrypto operations the engine lacks,
// stateless. The guest keeps each key as the handle (descriptor JSON and material) this returns and
// sends it back with every call; imported KeyObjects are cached by the handle's bytes (an LRU shared by
// the thread's instances), so a sign or verify loop imports its key once. Inputs are bounded; every
// failure is returned as JSON {name, message}, the TypeError or DOMException the guest throws.
import { LRUCache } from "lru-cache";
import type { JsonWebKey } from "node:crypto";
import { exportKey, FORMATS, generateKey, importKey, keyLength, keyObjectOf, type Format } from "./crypto/keys.ts";
import { CryptoFailure, bufferOf, checkKey, fail, normalize, usagesOf, type HostKey, type KeySpec } from "./crypto/normalize.ts";
import { deriveBits, encryptOrDecrypt, PBKDF2_MAX_ITERATIONS, sign, verify } from "./crypto/ops.ts";

/** What one call may carry: its data, key handle and params JSON, in bytes. */
export const CRYPTO_LIMITS = { dataBytes: 32 * 1024 * 1024, handleBytes: 16 * 1024, paramsBytes: 64 * 1024, pbkdf2Iterations: PBKDF2_MAX_ITERATIONS } as const;

/** outpost:edge/crypto's op enum, as jco passes it. */
export type CryptoOp = "import-key" | "export-key" | "generate-key" | "encrypt" | "decrypt" | "sign" | "verify" | "derive-bits" | "derive-key" | "wrap-key" | "unwrap-key";

export interface CryptoHostOptions {
  /** Imported keys kept (default 512, and at most 8 MiB of handles). */
  cacheEntries?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
const u32 = (n: number) => { const b = Buffer.allocUnsafe(4); b.writeUInt32LE(n); return b; };

function checkSize(what: string, size: number, max: number): void {
  if (size > max) throw fail("QuotaExceededError", `${what} is ${size} bytes; Outpost's WebCrypto takes at most ${max} per call`);
}

/** A key's descriptor: JSON of the CryptoKey's attributes {type, extractable, algorithm, usages}. */
const descriptorOf = (k: HostKey): string => JSON.stringify({ type: k.type, extractable: k.extractable, algorithm: k.algorithm, usages: k.usages } satisfies KeySpec);

/** A key handle: the descriptor's length (u32 LE), the descriptor, the material. */
function handleOf(k: HostKey): Buffer {
  const descriptor = encoder.encode(descriptorOf(k));
  return Buffer.concat([u32(descriptor.length), descriptor, k.material]);
}

/** Key results: each key's handle after its length (u32 LE). */
function frames(keys: HostKey[]): Uint8Array {
  return Buffer.concat(keys.flatMap((k) => { const h = handleOf(k); return [u32(h.length), h]; }));
}

type Params = Record<string, unknown>;

function formatOf(v: unknown): Format {
  if (!FORMATS.includes(v as Format)) throw fail("TypeError", `"${String(v)}" is not a valid key format (raw, pkcs8, spki or jwk)`);
  return v as Format;
}

/** Key data for importKey: the parsed JWK for "jwk" (a DataError when it is not JSON), else the bytes. */
function keyData(format: Format, data: Buffer): Buffer | JsonWebKey {
  if (format !== "jwk") return data;
  try {
    const jwk = JSON.parse(decoder.decode(data)) as unknown;
    if (jwk && typeof jwk === "object") return jwk as JsonWebKey;
  } catch {}
  throw fail("DataError", "The key data is not a JSON Web Key");
}

export function createCryptoHost(opts: CryptoHostOptions = {}) {
  const cache = new LRUCache<string, HostKey>({ max: opts.cacheEntries ?? 512, maxSize: 8 * 1024 * 1024, sizeCalculation: (_value, id) => id.length });
  const stats = { hits: 0, misses: 0 };

  function hostKey(handle: Buffer): HostKey {
    checkSize("A key handle", handle.length, CRYPTO_LIMITS.handleBytes);
    const id = handle.toString("latin1");
    const hit = cache.get(id);
    if (hit) {
      stats.hits++;
      return hit;
    }
    stats.misses++;
    const length = handle.length >= 4 ? handle.readUInt32LE(0) : -1;
    let spec: KeySpec | undefined;
    try {
      if (length >= 0 && 4 + length <= handle.length) spec = JSON.parse(handle.toString("utf8", 4, 4 + length)) as KeySpec;
    } catch {}
    if (!spec || typeof spec.algorithm?.name !== "string" || !Array.isArray(spec.usages)) throw fail("TypeError", "not a CryptoKey made by this runtime");
    const material = Buffer.from(handle.subarray(4 + length));
    let object;
    try {
      object = keyObjectOf(spec.type, material);
    } catch (err) {
      throw fail("DataError", `the key's material does not parse: ${(err as Error).message}`);
    }
    const key: HostKey = { ...spec, material, object };
    cache.set(id, key);
    return key;
  }

  const resolveKey = (v: unknown, what: string): HostKey => {
    const b64 = (v as { $k?: unknown } | null)?.$k;
    if (typeof b64 !== "string") throw fail("TypeError", `${what} is not a CryptoKey`);
    return hostKey(Buffer.from(b64, "base64"));
  };

  function run(op: CryptoOp, p: Params, key: HostKey | undefined, data: Buffer): Uint8Array {
    const needKey = (): HostKey => {
      if (!key) throw fail("TypeError", `${op} needs a key`);
      return key;
    };
    switch (op) {
      case "import-key": {
        const format = formatOf(p.format);
        const alg = normalize("importKey", p.algorithm, resolveKey);
        return frames([importKey(format, keyData(format, data), alg, Boolean(p.extractable), usagesOf(p.usages))]);
      }
      case "export-key": {
        const out = exportKey(formatOf(p.format), needKey());
        return Buffer.isBuffer(out) ? out : encoder.encode(JSON.stringify(out));
      }
      case "generate-key": {
        const made = generateKey(normalize("generateKey", p.algorithm, resolveKey), Boolean(p.extractable), usagesOf(p.usages));
        return frames(Array.isArray(made) ? made : [made]);
      }
      case "encrypt":
      case "decrypt":
        return encryptOrDecrypt(normalize(op, p.algorithm, resolveKey, needKey()), needKey(), data, op === "decrypt");
      case "sign":
        return sign(normalize("sign", p.algorithm, resolveKey, needKey()), needKey(), data);
      case "verify":
        return Buffer.of(verify(normalize("verify", p.algorithm, resolveKey, needKey()), needKey(), bufferOf(p.signature, "signature"), data) ? 1 : 0);
      case "derive-bits": {
        const alg = normalize("deriveBits", p.algorithm, resolveKey, needKey());
        // Web IDL's `unsigned long? length`: a number modulo 2^32, null for as many as the algorithm gives.
        const n = Number(p.length);
        const length = p.length === null || p.length === undefined ? null : (Number.isFinite(n) ? Math.trunc(n) : 0) >>> 0;
        if (length !== null) checkSize("The derived length", Math.ceil(length / 8), CRYPTO_LIMITS.dataBytes);
        return deriveBits(alg, needKey(), length);
      }
      case "derive-key": {
        const alg = normalize("deriveBits", p.algorithm, resolveKey, needKey());
        const target = normalize("importKey", p.derivedKeyType, resolveKey);
        const length = keyLength(normalize("getKeyLength", p.derivedKeyType, resolveKey));
        const bits = deriveBits(alg, needKey(), length, "deriveKey");
        return frames([importKey("raw", bits, target, Boolean(p.extractable), usagesOf(p.usages))]);
      }
      case "wrap-key": {
        const format = formatOf(p.format);
        const wrapping = needKey();
        const alg = normalize("wrapKey", p.algorithm, resolveKey, wrapping);
        checkKey(wrapping, alg.name, "wrapKey");
        const exported = exportKey(format, resolveKey(p.wrapped, "key"));
        // Unpadded, as in workerd: AES-KW refuses a JWK whose JSON is not a multiple of 8 bytes (Node pads it).
        const plain = Buffer.isBuffer(exported) ? exported : Buffer.from(JSON.stringify(exported));
        return encryptOrDecrypt(alg, wrapping, plain, false, "wrapKey");
      }
      case "unwrap-key": {
        const format = formatOf(p.format);
        const alg = normalize("unwrapKey", p.algorithm, resolveKey, needKey());
        const target = normalize("importKey", p.unwrappedKeyAlgorithm, resolveKey);
        const plain = encryptOrDecrypt(alg, needKey(), data, true, "unwrapKey");
        return frames([importKey(format, keyData(format, plain), target, Boolean(p.extractable), usagesOf(p.usages))]);
      }
    }
    throw fail("NotSupportedError", `crypto.subtle has no operation "${op}"`);
  }

  /** outpost:edge/crypto#call: splits the request and runs it; throws the Err string, as jco expects of a `result` import. */
  function call(op: CryptoOp, request: Uint8Array): Uint8Array {
    try {
      const req = bytes(request);
      const paramsLength = req.length >= 4 ? req.readUInt32LE(0) : -1;
      const keyAt = 4 + paramsLength;
      const keyLength = paramsLength >= 0 && keyAt + 4 <= req.length ? req.readUInt32LE(keyAt) : -1;
      const dataAt = keyAt + 4 + keyLength;
      if (keyLength < 0 || dataAt > req.length) throw fail("TypeError", "the request is not params, key handle and data");
      checkSize("The params", paramsLength, CRYPTO_LIMITS.paramsBytes);
      checkSize("The data", req.length - dataAt, CRYPTO_LIMITS.dataBytes);
      let p: Params;
      try {
        p = JSON.parse(req.toString("utf8", 4, keyAt)) as Params;
      } catch {
        throw fail("TypeError", "the operation's parameters are not JSON");
      }
      return run(op, p ?? {}, keyLength ? hostKey(req.subarray(keyAt + 4, dataAt)) : undefined, req.subarray(dataAt));
    } catch (err) {
      const name = err instanceof CryptoFailure ? err.failure : "OperationError";
      throw JSON.stringify({ name, message: err instanceof Error ? err.message : String(err) });
    }
  }

  return { call, cache, stats };
}

/** The one every instance on this thread uses. */
let shared: ReturnType<typeof createCryptoHost> | undefined;
export function cryptoImports(): { call: ReturnType<typeof createCryptoHost>["call"] } {
  shared ??= createCryptoHost();
  return { call: shared.call };
}
