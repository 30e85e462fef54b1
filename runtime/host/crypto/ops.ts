// The operations on keys for the host side of outpost:edge/crypto, with node:crypto's synchronous
// API (so their CPU time is charged to the request that asked, as in workerd): encrypt/decrypt
// (AES-GCM/CBC/CTR, RSA-OAEP; AES-KW for wrapKey/unwrapKey), sign/verify (HMAC, RSASSA-PKCS1-v1_5,
// RSA-PSS, ECDSA, Ed25519) and deriveBits (PBKDF2, HKDF, ECDH, X25519).
import {
  constants, createCipheriv, createDecipheriv, createHmac, diffieHellman, hkdfSync, pbkdf2Sync,
  privateDecrypt, publicEncrypt, sign as nodeSign, timingSafeEqual, verify as nodeVerify, type KeyObject,
} from "node:crypto";
import { checkKey, fail, HASH_BYTES, nodeHash, type Algorithm, type HostKey, type Usage } from "./normalize.ts";

/** workerd refuses more PBKDF2 iterations than this (NotSupportedError). */
export const PBKDF2_MAX_ITERATIONS = 100_000;
const GCM_TAG_LENGTHS = [32, 64, 96, 104, 112, 120, 128];
const KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");

/** Runs a node:crypto call whose failure is the operation's OperationError. */
function attempt<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw fail("OperationError", `${what} failed: ${(err as Error).message}`);
  }
}

/** node:crypto's cipher name for an AES key in `mode` (AES-KW's is id-aes{bits}-wrap). */
const aesName = (key: HostKey, mode: "gcm" | "cbc" | "ctr" | "wrap") =>
  mode === "wrap" ? `id-aes${key.material.length * 8}-wrap` : `aes-${key.material.length * 8}-${mode}`;

function cipher(mode: "cbc" | "ctr" | "wrap", key: HostKey, iv: Buffer, data: Buffer, decrypt: boolean): Buffer {
  const c = decrypt ? createDecipheriv(aesName(key, mode), key.material, iv) : createCipheriv(aesName(key, mode), key.material, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** AES-CTR where only the low `length` bits of the counter block count (they wrap; the rest is fixed). */
function aesCtr(key: HostKey, counter: Buffer, length: number, data: Buffer): Buffer {
  const blocks = BigInt(Math.ceil(data.length / 16));
  const mask = (1n << BigInt(length)) - 1n;
  const value = BigInt(`0x${counter.toString("hex")}`);
  const low = value & mask;
  if (blocks > mask + 1n) throw fail("OperationError", `AES-CTR: the data needs more blocks than a ${length}-bit counter can count`);
  const untilWrap = mask + 1n - low;
  if (blocks <= untilWrap) return cipher("ctr", key, counter, data, false);
  const split = Number(untilWrap) * 16;
  const wrapped = Buffer.from((value & ~mask & ((1n << 128n) - 1n)).toString(16).padStart(32, "0"), "hex");
  return Buffer.concat([cipher("ctr", key, counter, data.subarray(0, split), false), cipher("ctr", key, wrapped, data.subarray(split), false)]);
}

/** encrypt/decrypt, and their use by wrapKey/unwrapKey (`usage` says which key usage is required). */
export function encryptOrDecrypt(alg: Algorithm, key: HostKey, data: Buffer, decrypt: boolean, usage: Usage = decrypt ? "decrypt" : "encrypt"): Buffer {
  const op = decrypt ? "decrypt" : "encrypt";
  switch (alg.name) {
    case "AES-GCM": {
      checkKey(key, alg.name, usage);
      const tagLength = alg.tagLength ?? 128;
      if (!GCM_TAG_LENGTHS.includes(tagLength)) throw fail("OperationError", `${tagLength} is not a valid AES-GCM tag length`);
      if (alg.iv!.length === 0) throw fail("OperationError", "AES-GCM IV must not be empty.");
      const tagBytes = tagLength / 8;
      return attempt(`AES-GCM ${op}`, () => {
        if (!decrypt) {
          const c = createCipheriv(aesName(key, "gcm") as "aes-128-gcm", key.material, alg.iv!, { authTagLength: tagBytes });
          if (alg.additionalData) c.setAAD(alg.additionalData);
          return Buffer.concat([c.update(data), c.final(), c.getAuthTag()]);
        }
        if (data.length < tagBytes) throw new Error(`the data is shorter than the ${tagLength}-bit tag`);
        const d = createDecipheriv(aesName(key, "gcm") as "aes-128-gcm", key.material, alg.iv!, { authTagLength: tagBytes });
        if (alg.additionalData) d.setAAD(alg.additionalData);
        d.setAuthTag(data.subarray(data.length - tagBytes));
        return Buffer.concat([d.update(data.subarray(0, data.length - tagBytes)), d.final()]);
      });
    }
    case "AES-CBC":
      checkKey(key, alg.name, usage);
      if (alg.iv!.length !== 16) throw fail("OperationError", `AES-CBC: algorithm.iv must contain exactly 16 bytes, not ${alg.iv!.length}`);
      return attempt(`AES-CBC ${op}`, () => cipher("cbc", key, alg.iv!, data, decrypt));
    case "AES-CTR":
      checkKey(key, alg.name, usage);
      if (alg.counter!.length !== 16) throw fail("OperationError", `AES-CTR: algorithm.counter must contain exactly 16 bytes, not ${alg.counter!.length}`);
      if (alg.length! < 1 || alg.length! > 128) throw fail("OperationError", "AES-CTR: algorithm.length must be between 1 and 128");
      return attempt(`AES-CTR ${op}`, () => aesCtr(key, alg.counter!, alg.length!, data));
    case "AES-KW":
      checkKey(key, alg.name, usage);
      if (data.length < (decrypt ? 24 : 16) || data.length % 8 !== 0) throw fail("OperationError", `AES-KW: the data must be a multiple of 8 bytes, at least ${decrypt ? 24 : 16}; it is ${data.length}`);
      return attempt(`AES-KW ${decrypt ? "unwrap" : "wrap"}`, () => cipher("wrap", key, KW_IV, data, decrypt));
    case "RSA-OAEP": {
      checkKey(key, alg.name, usage, decrypt ? "private" : "public");
      const options = { key: key.object!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: nodeHash(key.algorithm.hash!.name), oaepLabel: alg.label };
      return attempt(`RSA-OAEP ${op}`, () => (decrypt ? privateDecrypt(options, data) : publicEncrypt(options, data)));
    }
  }
  throw fail("NotSupportedError", `${alg.name} cannot ${op}`);
}

function asymmetricOptions(alg: Algorithm, key: HostKey): { hash: string | null; key: { key: KeyObject; padding?: number; saltLength?: number; dsaEncoding?: "ieee-p1363" } } {
  switch (alg.name) {
    case "RSASSA-PKCS1-v1_5": return { hash: nodeHash(key.algorithm.hash!.name), key: { key: key.object!, padding: constants.RSA_PKCS1_PADDING } };
    case "RSA-PSS": return { hash: nodeHash(key.algorithm.hash!.name), key: { key: key.object!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.saltLength } };
    case "ECDSA": return { hash: nodeHash(alg.hash!), key: { key: key.object!, dsaEncoding: "ieee-p1363" } };
    default: return { hash: null, key: { key: key.object! } }; // Ed25519
  }
}

/** sign: the signature. */
export function sign(alg: Algorithm, key: HostKey, data: Buffer): Buffer {
  if (alg.name === "HMAC") {
    checkKey(key, alg.name, "sign");
    return createHmac(nodeHash(key.algorithm.hash!.name), key.material).update(data).digest();
  }
  checkKey(key, alg.name, "sign", "private");
  const o = asymmetricOptions(alg, key);
  return attempt(`${alg.name} sign`, () => nodeSign(o.hash, data, o.key));
}

/** verify: whether `signature` is a valid signature of `data`; a malformed one is just invalid. */
export function verify(alg: Algorithm, key: HostKey, signature: Buffer, data: Buffer): boolean {
  if (alg.name === "HMAC") {
    checkKey(key, alg.name, "verify");
    const mac = createHmac(nodeHash(key.algorithm.hash!.name), key.material).update(data).digest();
    return mac.length === signature.length && timingSafeEqual(mac, signature);
  }
  checkKey(key, alg.name, "verify", "public");
  const o = asymmetricOptions(alg, key);
  try {
    return nodeVerify(o.hash, data, o.key, signature);
  } catch (err) {
    if (alg.name === "RSA-PSS" && /salt/i.test((err as Error).message)) throw fail("OperationError", `RSA-PSS verify failed: ${(err as Error).message}`);
    return false;
  }
}

/** Keeps the first `length` bits of `bits` (the rest of the last byte zeroed). */
function truncate(bits: Buffer, length: number | null, what: string): Buffer {
  if (length === null) return bits;
  if (length > bits.length * 8) throw fail("OperationError", `${what}: the requested length (${length}) is longer than the ${bits.length * 8} bits derived`);
  const out = Buffer.from(bits.subarray(0, Math.ceil(length / 8)));
  if (length % 8) out[out.length - 1] &= 0xff << (8 - (length % 8));
  return out;
}

/** deriveBits (and deriveKey's first half, with usage "deriveKey"). `length` null: as many as the algorithm gives. */
export function deriveBits(alg: Algorithm, key: HostKey, length: number | null, usage: Usage = "deriveBits"): Buffer {
  const { name } = alg;
  checkKey(key, name, usage);
  if (name === "ECDH" || name === "X25519") {
    const pub = alg.public!;
    if (key.type !== "private") throw fail("InvalidAccessError", `${name}: the base key must be a private key`);
    if (pub.type !== "public") throw fail("InvalidAccessError", `${name}: algorithm.public must be a public key`);
    if (pub.algorithm.name !== name) throw fail("InvalidAccessError", `${name}: algorithm.public is a ${pub.algorithm.name} key`);
    if (pub.algorithm.namedCurve !== key.algorithm.namedCurve) throw fail("InvalidAccessError", `${name}: algorithm.public is on ${pub.algorithm.namedCurve}, the base key on ${key.algorithm.namedCurve}`);
    const secret = attempt(`${name} deriveBits`, () => diffieHellman({ privateKey: key.object!, publicKey: pub.object! }));
    if (name === "X25519" && secret.every((b) => b === 0)) throw fail("OperationError", "X25519: the shared secret is all zeros (a small-order public key)");
    return truncate(secret, length, name);
  }
  if (length === null) throw fail("OperationError", `${name}: length cannot be null`);
  if (length % 8 !== 0) throw fail("OperationError", `${name}: length must be a multiple of 8, not ${length}`);
  if (name === "PBKDF2") {
    if (alg.iterations === 0) throw fail("OperationError", "PBKDF2: iterations must not be zero");
    if (alg.iterations! > PBKDF2_MAX_ITERATIONS) throw fail("NotSupportedError", `PBKDF2 iteration counts above ${PBKDF2_MAX_ITERATIONS} are not supported (requested ${alg.iterations})`);
    if (length === 0) return Buffer.alloc(0);
    return attempt("PBKDF2", () => pbkdf2Sync(key.material, alg.salt!, alg.iterations!, length / 8, nodeHash(alg.hash!)));
  }
  if (length > 255 * HASH_BYTES[alg.hash!] * 8) throw fail("OperationError", `HKDF: length must be at most ${255 * HASH_BYTES[alg.hash!] * 8} bits for ${alg.hash}`);
  if (length === 0) return Buffer.alloc(0);
  return Buffer.from(attempt("HKDF", () => hkdfSync(nodeHash(alg.hash!), key.material, alg.salt!, alg.info!, length / 8)));
}
