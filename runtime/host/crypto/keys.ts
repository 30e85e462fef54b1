// Key import, export and generation for the host side of outpost:edge/crypto, with node:crypto's
// synchronous API: every key ends as a HostKey whose material is raw (secret), pkcs8 (private) or
// spki (public) bytes, the form the guest keeps and sends back. The checks follow WebCrypto's
// importKey/exportKey/generateKey steps: format per key type, JWK members, lengths and curves.
import { createPrivateKey, createPublicKey, ECDH, generateKeyPairSync, randomBytes, type JsonWebKey, type KeyObject } from "node:crypto";
import { checkNotEmpty, checkUsages, fail, HASH_BLOCK_BITS, usagesFor, type Algorithm, type HostKey, type KeyAlgorithm, type KeyType, type Usage } from "./normalize.ts";

export type Format = "raw" | "pkcs8" | "spki" | "jwk";
export const FORMATS: readonly Format[] = ["raw", "pkcs8", "spki", "jwk"];

const AES = new Set(["AES-GCM", "AES-CBC", "AES-CTR", "AES-KW"]);
const RSA = new Set(["RSA-OAEP", "RSA-PSS", "RSASSA-PKCS1-v1_5"]);
const EC = new Set(["ECDSA", "ECDH"]);
const OKP = new Set(["Ed25519", "X25519"]);
const CURVES: Record<string, string> = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1" };
const CURVE_OF: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };
const EC_JWK_ALG: Record<string, string> = { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" };
const RSA_JWK_ALG: Record<string, (hash: string) => string> = {
  "RSASSA-PKCS1-v1_5": (h) => `RS${h.slice(4)}`,
  "RSA-PSS": (h) => `PS${h.slice(4)}`,
  "RSA-OAEP": (h) => (h === "SHA-1" ? "RSA-OAEP" : `RSA-OAEP-${h.slice(4)}`),
};
/** The members of an exported asymmetric JWK after its head, in workerd's order. */
const JWK_MEMBERS: Record<string, string[]> = { RSA: ["d", "n", "e", "p", "q", "dp", "dq", "qi"], EC: ["crv", "x", "y", "d"], OKP: ["crv", "x", "d"] };
const AES_JWK_SUFFIX: Record<string, string> = { "AES-GCM": "GCM", "AES-CBC": "CBC", "AES-CTR": "CTR", "AES-KW": "KW" };

const b64url = (b: Buffer) => b.toString("base64url");
const secretKey = (algorithm: KeyAlgorithm, material: Buffer, extractable: boolean, usages: Usage[]): HostKey => ({ type: "secret", extractable, algorithm, usages, material });

/** The HostKey of an imported or generated asymmetric key. */
function asymmetricKey(object: KeyObject, algorithm: KeyAlgorithm, extractable: boolean, usages: Usage[]): HostKey {
  const type = object.type as KeyType;
  const material = type === "private" ? object.export({ format: "der", type: "pkcs8" }) : object.export({ format: "der", type: "spki" });
  return { type, extractable, algorithm, usages, material, object };
}

/** The KeyObject for stored material (the key cache calls this once per distinct key). */
export function keyObjectOf(type: KeyType, material: Buffer): KeyObject | undefined {
  if (type === "private") return createPrivateKey({ key: material, format: "der", type: "pkcs8" });
  if (type === "public") return createPublicKey({ key: material, format: "der", type: "spki" });
  return undefined;
}

function checkJwk(jwk: JsonWebKey, kty: string, use: string, usages: Usage[], extractable: boolean, alg?: string): void {
  if (jwk.kty !== kty) throw fail("DataError", `The JWK's "kty" must be "${kty}"`);
  if (jwk.use !== undefined && usages.length && jwk.use !== use) throw fail("DataError", `The JWK's "use" must be "${use}"`);
  if (jwk.key_ops !== undefined) {
    const ops = jwk.key_ops as unknown;
    if (!Array.isArray(ops) || usages.some((u) => !ops.includes(u))) throw fail("DataError", `The JWK's "key_ops" do not include every requested usage`);
  }
  if (jwk.ext === false && extractable) throw fail("DataError", `The JWK is not extractable ("ext": false) but an extractable key was requested`);
  if (alg !== undefined && jwk.alg !== undefined && jwk.alg !== alg) throw fail("DataError", `The JWK's "alg" must be "${alg}" for this algorithm, not "${jwk.alg}"`);
}

function jwkBytes(v: string | undefined, what: string): Buffer {
  if (typeof v !== "string") throw fail("DataError", `The JWK has no "${what}"`);
  return Buffer.from(v, "base64url");
}

/** Parses key data (DER or JWK) into a KeyObject; a failure is a DataError. */
function parse<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw fail("DataError", `Invalid ${what} key data: ${(err as Error).message}`);
  }
}

function importSecret(format: Format, data: Buffer | JsonWebKey, alg: Algorithm, extractable: boolean, usages: Usage[]): HostKey {
  const { name } = alg;
  checkUsages(name, "secret", usages);
  if (name === "PBKDF2" || name === "HKDF") {
    if (format !== "raw") throw fail("NotSupportedError", `${name} keys can only be imported in raw format`);
    if (extractable) throw fail("SyntaxError", `${name} keys cannot be extractable`);
    return secretKey({ name }, data as Buffer, false, usages);
  }
  if (format !== "raw" && format !== "jwk") throw fail("NotSupportedError", `${name} keys can only be imported in raw or jwk format, not ${format}`);
  let raw: Buffer;
  if (format === "jwk") {
    const jwk = data as JsonWebKey;
    raw = jwkBytes(jwk.k, "k");
    const expected = AES.has(name) ? `A${raw.length * 8}${AES_JWK_SUFFIX[name]}` : `HS${alg.hash!.slice(4)}`;
    checkJwk(jwk, "oct", AES.has(name) ? "enc" : "sig", usages, extractable, expected);
  } else raw = data as Buffer;
  if (AES.has(name)) {
    if (![16, 24, 32].includes(raw.length)) throw fail("DataError", `Imported AES key length must be 128, 192, or 256 bits but provided ${raw.length * 8}.`);
    return secretKey({ name, length: raw.length * 8 }, raw, extractable, usages);
  }
  const bits = raw.length * 8;
  const length = alg.length ?? bits;
  if (length === 0 || length > bits || length <= bits - 8) {
    throw fail("DataError", `Imported HMAC key length (${length}) must be a non-zero value up to 7 bits less than, and no greater than, the bit length of the raw key data (${bits}).`);
  }
  return secretKey({ name, hash: { name: alg.hash! }, length }, raw, extractable, usages);
}

function importAsymmetric(format: Format, data: Buffer | JsonWebKey, alg: Algorithm, extractable: boolean, usages: Usage[]): HostKey {
  const { name } = alg;
  const family = RSA.has(name) ? "rsa" : EC.has(name) ? "ec" : name.toLowerCase();
  if (EC.has(name) && !CURVES[alg.namedCurve!]) throw fail("NotSupportedError", `Unrecognized namedCurve "${alg.namedCurve}"`);
  let object: KeyObject;
  if (format === "jwk") {
    const jwk = data as JsonWebKey;
    const kty = family === "rsa" ? "RSA" : family === "ec" ? "EC" : "OKP";
    const jwkAlg = family === "rsa" ? RSA_JWK_ALG[name](alg.hash!) : name === "ECDSA" ? EC_JWK_ALG[alg.namedCurve!] : undefined;
    checkJwk(jwk, kty, name === "RSA-OAEP" || name === "ECDH" || name === "X25519" ? "enc" : "sig", usages, extractable, name === "Ed25519" && jwk.alg === "EdDSA" ? undefined : name === "Ed25519" ? "Ed25519" : jwkAlg);
    if (family !== "rsa" && jwk.crv !== (alg.namedCurve ?? name)) throw fail("DataError", `The JWK's "crv" must be "${alg.namedCurve ?? name}"`);
    checkUsages(name, jwk.d === undefined ? "public" : "private", usages);
    object = parse("JWK", () => (jwk.d === undefined ? createPublicKey({ key: jwk, format: "jwk" }) : createPrivateKey({ key: jwk, format: "jwk" })));
  } else if (format === "raw") {
    if (family === "rsa") throw fail("NotSupportedError", `${name} keys cannot be imported in raw format`);
    checkUsages(name, "public", usages);
    const raw = data as Buffer;
    object = parse("raw", () => {
      if (family === "ec") {
        const point = raw[0] === 4 ? raw : ECDH.convertKey(raw, CURVES[alg.namedCurve!], undefined, undefined, "uncompressed") as Buffer;
        const half = (point.length - 1) / 2;
        return createPublicKey({ key: { kty: "EC", crv: alg.namedCurve, x: b64url(point.subarray(1, 1 + half)), y: b64url(point.subarray(1 + half)) }, format: "jwk" });
      }
      if (raw.length !== 32) throw new Error(`a raw ${name} public key is 32 bytes, not ${raw.length}`);
      return createPublicKey({ key: { kty: "OKP", crv: name, x: b64url(raw) }, format: "jwk" });
    });
  } else {
    const type = format === "spki" ? "public" : "private";
    checkUsages(name, type, usages);
    const der = { key: data as Buffer, format: "der" as const };
    object = parse(format, () => (type === "public" ? createPublicKey({ ...der, type: "spki" }) : createPrivateKey({ ...der, type: "pkcs8" })));
  }
  const kind = object.asymmetricKeyType;
  if (kind !== family && !(family === "rsa" && kind === "rsa-pss" && name === "RSA-PSS")) throw fail("DataError", `The key data is a ${kind} key, not a key for ${name}`);
  const details = object.asymmetricKeyDetails ?? {};
  let algorithm: KeyAlgorithm = { name };
  if (family === "ec") {
    if (CURVE_OF[details.namedCurve ?? ""] !== alg.namedCurve) throw fail("DataError", `The key's curve is not ${alg.namedCurve}`);
    algorithm = { name, namedCurve: alg.namedCurve };
  } else if (family === "rsa") {
    algorithm = { name, modulusLength: details.modulusLength, publicExponent: exponentBytes(details.publicExponent ?? 65537n), hash: { name: alg.hash! } };
  }
  return asymmetricKey(object, algorithm, extractable, usages);
}

function exponentBytes(e: bigint): number[] {
  const out: number[] = [];
  for (let v = e; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return out;
}

/** importKey: `data` is the key bytes, or the parsed JWK for format "jwk". */
export function importKey(format: Format, data: Buffer | JsonWebKey, alg: Algorithm, extractable: boolean, usages: Usage[]): HostKey {
  const key = AES.has(alg.name) || ["HMAC", "PBKDF2", "HKDF"].includes(alg.name)
    ? importSecret(format, data, alg, extractable, usages)
    : importAsymmetric(format, data, alg, extractable, usages);
  checkNotEmpty(key.type, key.usages);
  return key;
}

/** exportKey: the bytes of raw/pkcs8/spki, or the JWK object. */
export function exportKey(format: Format, key: HostKey): Buffer | JsonWebKey {
  const { name } = key.algorithm;
  if (!key.extractable) throw fail("InvalidAccessError", `Attempt to export non-extractable ${name} key.`);
  if (name === "PBKDF2" || name === "HKDF") throw fail("NotSupportedError", `${name} keys cannot be exported`);
  // workerd's member order: kty, key_ops, alg, ext, then the key's own members.
  const head = (kty: string, alg: string | undefined) => ({ kty, key_ops: key.usages, ...(alg ? { alg } : {}), ext: key.extractable });
  if (key.type === "secret") {
    if (format === "raw") return key.material;
    if (format !== "jwk") throw fail("NotSupportedError", `${name} keys can only be exported in raw or jwk format, not ${format}`);
    const alg = AES.has(name) ? `A${key.material.length * 8}${AES_JWK_SUFFIX[name]}` : `HS${key.algorithm.hash!.name.slice(4)}`;
    return { ...head("oct", alg), k: b64url(key.material) };
  }
  if (format === "spki" || format === "pkcs8") {
    const wanted = format === "spki" ? "public" : "private";
    if (key.type !== wanted) throw fail("InvalidAccessError", `Only a ${wanted} key can be exported in ${format} format`);
    return key.material;
  }
  const jwk = key.object!.export({ format: "jwk" });
  if (format === "raw") {
    if (key.type !== "public" || RSA.has(name)) throw fail(RSA.has(name) ? "NotSupportedError" : "InvalidAccessError", `A ${key.type} ${name} key cannot be exported in raw format`);
    return OKP.has(name) ? jwkBytes(jwk.x, "x") : Buffer.concat([Buffer.of(4), jwkBytes(jwk.x, "x"), jwkBytes(jwk.y, "y")]);
  }
  if (format !== "jwk") throw fail("TypeError", `"${format}" is not a key format`);
  const alg = RSA.has(name) ? RSA_JWK_ALG[name](key.algorithm.hash!.name) : name === "Ed25519" ? "EdDSA" : undefined;
  const out: Record<string, unknown> = head(jwk.kty!, alg);
  for (const m of JWK_MEMBERS[jwk.kty!] ?? []) if ((jwk as Record<string, unknown>)[m] !== undefined) out[m] = (jwk as Record<string, unknown>)[m];
  return out as JsonWebKey;
}

/** generateKey: one secret key, or a [public, private] pair. */
export function generateKey(alg: Algorithm, extractable: boolean, usages: Usage[]): HostKey | [HostKey, HostKey] {
  const { name } = alg;
  if (AES.has(name) || name === "HMAC") {
    checkUsages(name, "secret", usages, "generate");
    let algorithm: KeyAlgorithm;
    let bytes: number;
    if (name === "HMAC") {
      const length = alg.length ?? HASH_BLOCK_BITS[alg.hash!];
      if (length === 0) throw fail("OperationError", "HMAC key length must not be zero");
      bytes = Math.ceil(length / 8);
      algorithm = { name, hash: { name: alg.hash! }, length };
    } else {
      if (![128, 192, 256].includes(alg.length!)) throw fail("OperationError", `Generated AES key length must be 128, 192, or 256 bits but requested ${alg.length}.`);
      bytes = alg.length! / 8;
      algorithm = { name, length: alg.length };
    }
    checkNotEmpty("secret", usages);
    return secretKey(algorithm, randomBytes(bytes), extractable, usages);
  }
  checkUsages(name, "pair", usages, "generate");
  let pair: { publicKey: KeyObject; privateKey: KeyObject };
  let algorithm: KeyAlgorithm = { name };
  if (RSA.has(name)) {
    const bits = alg.modulusLength!;
    if (bits < 256 || bits > 16384 || bits % 8 !== 0) throw fail("OperationError", `The modulus length must be a multiple of 8 and between 256 and 16k, but ${bits} was requested.`);
    // What workerd's BoringSSL adds: at least 512 bits, a multiple of 128.
    if (bits < 512) throw fail("OperationError", "Can't generate key: RSA key size is too small");
    if (bits % 128 !== 0) throw fail("OperationError", "Can't generate key: RSA key size is required to be a multiple of 128");
    const e = alg.publicExponent!.reduce((acc, b) => acc * 256 + b, 0);
    if (e !== 3 && e !== 65537) throw fail("OperationError", `The "publicExponent" must be either 3 or 65537, but got ${e}.`);
    pair = generateKeyPairSync("rsa", { modulusLength: bits, publicExponent: e });
    algorithm = { name, modulusLength: bits, publicExponent: exponentBytes(BigInt(e)), hash: { name: alg.hash! } };
  } else if (EC.has(name)) {
    if (!CURVES[alg.namedCurve!]) throw fail("NotSupportedError", `Unrecognized namedCurve "${alg.namedCurve}"`);
    pair = generateKeyPairSync("ec", { namedCurve: CURVES[alg.namedCurve!] });
    algorithm = { name, namedCurve: alg.namedCurve };
  } else {
    pair = name === "Ed25519" ? generateKeyPairSync("ed25519") : generateKeyPairSync("x25519");
  }
  const priv = usagesFor(name, "private", usages);
  if (!priv.length) throw fail("SyntaxError", "Attempt to generate asymmetric keys with no valid private key usages.");
  return [asymmetricKey(pair.publicKey, algorithm, true, usagesFor(name, "public", usages)), asymmetricKey(pair.privateKey, algorithm, extractable, priv)];
}

/** get key length: the bits deriveKey derives for a key of `alg` (null for HKDF and PBKDF2). */
export function keyLength(alg: Algorithm): number | null {
  if (AES.has(alg.name)) {
    if (![128, 192, 256].includes(alg.length!)) throw fail("OperationError", `AES key length must be 128, 192, or 256 bits, not ${alg.length}`);
    return alg.length!;
  }
  if (alg.name === "HMAC") {
    if (alg.length === 0) throw fail("TypeError", "HMAC key length must not be zero");
    return alg.length ?? HASH_BLOCK_BITS[alg.hash!];
  }
  return null;
}
