// WebCrypto's algorithm normalization for the host side of outpost:edge/crypto: which algorithms each
// operation knows (names matched case-insensitively), the dictionary members each one reads (a
// missing required member or one of the wrong type is a TypeError, as WebIDL makes it), the usages a
// key of each type may have, and the DOMException-named failure every check throws.
import type { KeyObject } from "node:crypto";

/** The errors the guest rethrows: "TypeError", or the name of a DOMException. */
export type FailureName = "TypeError" | "NotSupportedError" | "SyntaxError" | "DataError" | "InvalidAccessError" | "OperationError" | "QuotaExceededError";

export class CryptoFailure extends Error {
  readonly failure: FailureName;
  constructor(failure: FailureName, message: string) {
    super(message);
    this.failure = failure;
  }
}

export const fail = (name: FailureName, message: string): CryptoFailure => new CryptoFailure(name, message);

export type KeyType = "secret" | "public" | "private";
export type Usage = "encrypt" | "decrypt" | "sign" | "verify" | "deriveKey" | "deriveBits" | "wrapKey" | "unwrapKey";
const USAGES: readonly Usage[] = ["encrypt", "decrypt", "sign", "verify", "deriveKey", "deriveBits", "wrapKey", "unwrapKey"];

/** CryptoKey.algorithm as JSON: publicExponent is a list of bytes. */
export interface KeyAlgorithm {
  name: string;
  length?: number;
  hash?: { name: string };
  namedCurve?: string;
  modulusLength?: number;
  publicExponent?: number[];
}

/** What the guest holds besides the material, as the JSON the host made (the key handle's descriptor). */
export interface KeySpec {
  type: KeyType;
  extractable: boolean;
  algorithm: KeyAlgorithm;
  usages: Usage[];
}

/** A key as the host uses it: the material is raw (secret), pkcs8 (private) or spki (public) bytes. */
export interface HostKey extends KeySpec {
  material: Buffer;
  /** The imported form of an asymmetric key; secret keys are used as their raw bytes. */
  object?: KeyObject;
}

/** A normalized algorithm: the members its dictionary defines, converted. */
export interface Algorithm {
  name: string;
  iv?: Buffer; additionalData?: Buffer; tagLength?: number;
  counter?: Buffer; length?: number; label?: Buffer;
  hash?: string; namedCurve?: string;
  modulusLength?: number; publicExponent?: Buffer;
  saltLength?: number; salt?: Buffer; info?: Buffer; iterations?: number;
  public?: HostKey;
}

export type Op = "encrypt" | "decrypt" | "sign" | "verify" | "digest" | "generateKey" | "importKey" | "deriveBits" | "wrapKey" | "unwrapKey" | "getKeyLength";
type Kind = "buffer" | "long" | "octet" | "short" | "hash" | "string" | "key";
type Schema = Partial<Record<Op, string>>;

// Each entry: the ops the algorithm is registered for, with the members its dictionary for that op
// reads ("name:kind", "!" marks a required member). decrypt uses encrypt's, verify sign's, unwrapKey wrapKey's.
const AES_KEY = { generateKey: "length:short!", importKey: "", getKeyLength: "length:short!" };
const RSA_KEY = { generateKey: "modulusLength:long! publicExponent:buffer! hash:hash!", importKey: "hash:hash!" };
const EC_KEY = { generateKey: "namedCurve:string!", importKey: "namedCurve:string!" };
const SCHEMAS: Record<string, Schema> = {
  "AES-GCM": { encrypt: "iv:buffer! additionalData:buffer tagLength:octet", ...AES_KEY },
  "AES-CBC": { encrypt: "iv:buffer!", ...AES_KEY },
  "AES-CTR": { encrypt: "counter:buffer! length:octet!", ...AES_KEY },
  "AES-KW": { wrapKey: "", ...AES_KEY },
  HMAC: { sign: "", generateKey: "hash:hash! length:long", importKey: "hash:hash! length:long", getKeyLength: "hash:hash! length:long" },
  "RSA-OAEP": { encrypt: "label:buffer", ...RSA_KEY },
  "RSA-PSS": { sign: "saltLength:long!", ...RSA_KEY },
  "RSASSA-PKCS1-v1_5": { sign: "", ...RSA_KEY },
  ECDSA: { sign: "hash:hash!", ...EC_KEY },
  ECDH: { deriveBits: "public:key!", ...EC_KEY },
  Ed25519: { sign: "", generateKey: "", importKey: "" },
  X25519: { deriveBits: "public:key!", generateKey: "", importKey: "" },
  PBKDF2: { deriveBits: "salt:buffer! iterations:long! hash:hash!", importKey: "", getKeyLength: "" },
  HKDF: { deriveBits: "salt:buffer! info:buffer! hash:hash!", importKey: "", getKeyLength: "" },
  "SHA-1": { digest: "" }, "SHA-256": { digest: "" }, "SHA-384": { digest: "" }, "SHA-512": { digest: "" },
};
type Member = { key: string; kind: Kind; required: boolean };
/** SCHEMAS with each member list parsed, once. */
const MEMBERS: Record<string, Partial<Record<Op, Member[]>>> = Object.fromEntries(Object.entries(SCHEMAS).map(([name, ops]) => [
  name,
  Object.fromEntries(Object.entries(ops).map(([op, list]) => [op, list.split(" ").filter(Boolean).map((m) => {
    const [key, kind] = m.split(":");
    return { key, kind: kind.replace("!", "") as Kind, required: kind.endsWith("!") };
  })])),
]));
const CANONICAL = new Map(Object.keys(SCHEMAS).map((n) => [n.toUpperCase(), n]));
const schemaOp = (op: Op): Op => (op === "decrypt" ? "encrypt" : op === "verify" ? "sign" : op === "unwrapKey" ? "wrapKey" : op);

/** Hash output sizes in bytes and HMAC block sizes in bits. */
export const HASH_BYTES: Record<string, number> = { "SHA-1": 20, "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };
export const HASH_BLOCK_BITS: Record<string, number> = { "SHA-1": 512, "SHA-256": 512, "SHA-384": 1024, "SHA-512": 1024 };
/** node:crypto's name for a WebCrypto hash. */
export const nodeHash = (hash: string): string => hash.replace("SHA-", "sha");

/** A buffer member as the guest sends it: {"$b": base64}. */
export function bufferOf(v: unknown, what: string): Buffer {
  const b64 = (v as { $b?: unknown } | null)?.$b;
  if (typeof b64 !== "string") throw fail("TypeError", `${what} is not an ArrayBuffer, TypedArray or DataView`);
  return Buffer.from(b64, "base64");
}

/** WebIDL [EnforceRange] conversion of an integer member. */
function integer(v: unknown, what: string, max: number): number {
  const n = typeof v === "boolean" ? Number(v) : typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  if (!Number.isFinite(n) || Math.trunc(n) < 0 || Math.trunc(n) > max) throw fail("TypeError", `${what} is not an integer from 0 to ${max}`);
  return Math.trunc(n);
}

/**
 * Normalizes `alg` (a name or an object with `name`, as JSON from the guest) for `op`, reading the
 * members its dictionary defines. `resolveKey` turns a key member ({"$k": ..}) into a host key. With
 * `key`, a key of another algorithm is refused before the members are read, as workerd does.
 */
export function normalize(op: Op, alg: unknown, resolveKey: (v: unknown, what: string) => HostKey, key?: HostKey): Algorithm {
  const dict = typeof alg === "string" ? { name: alg } : alg;
  if (dict === null || typeof dict !== "object") throw fail("TypeError", "the algorithm must be a string or an object with a name");
  const raw = dict as Record<string, unknown>;
  if (typeof raw.name !== "string") throw fail("TypeError", "the algorithm's name is required and must be a string");
  const name = CANONICAL.get(raw.name.toUpperCase());
  const schema = name === undefined ? undefined : MEMBERS[name];
  // wrapKey and unwrapKey take AES-KW's (none) or, per the spec's fallback, an encrypt algorithm's members.
  const members = schema && (schema[schemaOp(op)] ?? (op === "wrapKey" || op === "unwrapKey" ? schema.encrypt : undefined));
  if (name === undefined || members === undefined) throw fail("NotSupportedError", `Unrecognized or unsupported algorithm "${raw.name}" for ${op}`);
  if (key && key.algorithm.name !== name) throw mismatch(name, key);
  const out: Algorithm = { name };
  const o = out as unknown as Record<string, unknown>;
  for (const { key, kind, required } of members) {
    const v = raw[key];
    if (v === undefined) {
      if (required) throw fail("TypeError", `${name}: algorithm.${key} is required`);
      continue;
    }
    const what = `${name}: algorithm.${key}`;
    switch (kind) {
      case "buffer": o[key] = bufferOf(v, what); break;
      case "long": o[key] = integer(v, what, 0xffffffff); break;
      case "short": o[key] = integer(v, what, 0xffff); break;
      case "octet": o[key] = integer(v, what, 0xff); break;
      case "string": o[key] = String(v); break;
      case "hash": o[key] = normalize("digest", v, resolveKey).name; break;
      case "key": o[key] = resolveKey(v, what); break;
    }
  }
  return out;
}

/** The usages a key of each type may have, by algorithm. */
const KEY_USAGES: Record<string, Partial<Record<KeyType, readonly Usage[]>>> = (() => {
  const secret = (...u: Usage[]) => ({ secret: u });
  const pair = (pub: Usage[], priv: Usage[]) => ({ public: pub, private: priv });
  const aes = secret("encrypt", "decrypt", "wrapKey", "unwrapKey");
  const signing = pair(["verify"], ["sign"]);
  const agreement = pair([], ["deriveKey", "deriveBits"]);
  return {
    "AES-GCM": aes, "AES-CBC": aes, "AES-CTR": aes, "AES-KW": secret("wrapKey", "unwrapKey"),
    HMAC: secret("sign", "verify"), PBKDF2: secret("deriveKey", "deriveBits"), HKDF: secret("deriveKey", "deriveBits"),
    "RSA-OAEP": pair(["encrypt", "wrapKey"], ["decrypt", "unwrapKey"]),
    "RSA-PSS": signing, "RSASSA-PKCS1-v1_5": signing, ECDSA: signing, Ed25519: signing,
    ECDH: agreement, X25519: agreement,
  };
})();

/** Converts the usages list (a TypeError for a value that is not a KeyUsage): each once, in the spec's order, as workerd keeps them. */
export function usagesOf(v: unknown): Usage[] {
  if (!Array.isArray(v)) throw fail("TypeError", "keyUsages must be an array of strings");
  const bad = v.find((u) => !USAGES.includes(u as Usage));
  if (bad !== undefined) throw fail("TypeError", `"${String(bad)}" is not a valid key usage`);
  return USAGES.filter((u) => v.includes(u));
}

/** Throws SyntaxError unless every usage is one a key of this type ("pair": either key of a pair) may have. Messages are workerd's. */
export function checkUsages(algorithm: string, type: KeyType | "pair", usages: readonly Usage[], verb: "import" | "generate" = "import"): void {
  const of = KEY_USAGES[algorithm] ?? {};
  const allowed = type === "pair" ? [...(of.public ?? []), ...(of.private ?? [])] : (of[type] ?? []);
  const bad = usages.find((u) => !allowed.includes(u));
  if (bad) throw fail("SyntaxError", `Attempt to ${verb} ${type === "pair" ? "asymmetric" : type} ${algorithm} key${type === "pair" ? "s" : ""} with invalid usage "${bad}".`);
}

/** The usages of `usages` a key of this type may have (a generated pair splits them this way). */
export function usagesFor(algorithm: string, type: KeyType, usages: readonly Usage[]): Usage[] {
  const allowed = KEY_USAGES[algorithm]?.[type] ?? [];
  return usages.filter((u) => allowed.includes(u));
}

/** Spec: a secret or private key needs at least one usage. */
export function checkNotEmpty(type: KeyType, usages: readonly Usage[]): void {
  if (usages.length === 0 && type !== "public") throw fail("SyntaxError", "Secret/private CryptoKeys must have at least one usage.");
}

const mismatch = (name: string, key: HostKey) =>
  fail("InvalidAccessError", `Requested algorithm "${name}" does not match this CryptoKey's algorithm "${key.algorithm.name}".`);

/** Throws InvalidAccessError unless `key` is of algorithm `name`, has `usage` and (when given) is of `type`. */
export function checkKey(key: HostKey, name: string, usage: Usage, type?: KeyType): void {
  if (key.algorithm.name !== name) throw mismatch(name, key);
  if (!key.usages.includes(usage)) throw fail("InvalidAccessError", `Requested key usage "${usage}" does not match any usage listed in this CryptoKey.`);
  if (type && key.type !== type) throw fail("InvalidAccessError", `${name} ${usage} needs a ${type} key, not a ${key.type} key`);
}
