// Conformance checks: WebCrypto with fixed keys and inputs (digest, HMAC, AES, RSA, EC, Ed25519, KDFs) and
// the errors for bad arguments; random outputs are checked by shape and round trip, never by value.
import { bytes, hex, throwsName } from "./util.js";

const subtle = () => crypto.subtle;
const KEY16 = new Uint8Array([...Array(16).keys()]);
const IV12 = new Uint8Array(12).fill(7);
const ED25519 = { kty: "OKP", crv: "Ed25519", x: "2vScOVcWZlMmJK9NwMfhleYZh-4iKjGZ-RprGOy9myw", d: "30t87BY7wtHylA2H9_dVrxqbjCmjMgPFqHoeKVUQjj0" };
const aes = (name, usages = ["encrypt", "decrypt"]) => subtle().importKey("raw", KEY16, { name }, true, usages);

export default {
  "crypto.digest": async () => Promise.all(["SHA-1", "SHA-256", "SHA-384", "SHA-512"].map(async (a) => hex(await subtle().digest(a, bytes("abc"))))),
  "crypto.hmac": async () => {
    const key = await subtle().importKey("raw", bytes("secret"), { name: "HMAC", hash: "SHA-256" }, true, ["sign", "verify"]);
    const sig = await subtle().sign("HMAC", key, bytes("msg"));
    return [hex(sig), await subtle().verify("HMAC", key, sig, bytes("msg")), key.algorithm.length, (await subtle().exportKey("jwk", key)).k];
  },
  "crypto.aesGcm": async () => {
    const key = await aes("AES-GCM");
    const ct = await subtle().encrypt({ name: "AES-GCM", iv: IV12, additionalData: bytes("aad") }, key, bytes("plain text"));
    const pt = await subtle().decrypt({ name: "AES-GCM", iv: IV12, additionalData: bytes("aad") }, key, ct);
    return [hex(ct), new TextDecoder().decode(pt)];
  },
  "crypto.aesCbc": async () => {
    const key = await aes("AES-CBC");
    const ct = await subtle().encrypt({ name: "AES-CBC", iv: KEY16 }, key, bytes("sixteen bytes!!!"));
    return [hex(ct), new TextDecoder().decode(await subtle().decrypt({ name: "AES-CBC", iv: KEY16 }, key, ct))];
  },
  "crypto.aesCtr": async () => hex(await subtle().encrypt({ name: "AES-CTR", counter: KEY16, length: 64 }, await aes("AES-CTR"), bytes("counter mode"))),
  "crypto.aesKw": async () => {
    const kek = await aes("AES-KW", ["wrapKey", "unwrapKey"]);
    const key = await aes("AES-GCM");
    const wrapped = await subtle().wrapKey("raw", key, kek, "AES-KW");
    const back = await subtle().unwrapKey("raw", wrapped, kek, "AES-KW", "AES-GCM", true, ["encrypt"]);
    return [hex(wrapped), hex(await subtle().exportKey("raw", back))];
  },
  "crypto.ecdsa": async () => {
    const { privateKey, publicKey } = await subtle().generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const sig = await subtle().sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, bytes("m"));
    const jwk = await subtle().exportKey("jwk", publicKey);
    return [sig.byteLength, await subtle().verify({ name: "ECDSA", hash: "SHA-256" }, publicKey, sig, bytes("m")), jwk.kty, jwk.crv, privateKey.type, publicKey.usages];
  },
  "crypto.ecdh": async () => {
    const gen = () => subtle().generateKey({ name: "ECDH", namedCurve: "P-384" }, false, ["deriveBits"]);
    const [a, b] = [await gen(), await gen()];
    const ab = await subtle().deriveBits({ name: "ECDH", public: b.publicKey }, a.privateKey, 384);
    const ba = await subtle().deriveBits({ name: "ECDH", public: a.publicKey }, b.privateKey, 384);
    return [ab.byteLength, hex(ab) === hex(ba)];
  },
  "crypto.ed25519": async () => {
    const priv = await subtle().importKey("jwk", ED25519, { name: "Ed25519" }, false, ["sign"]);
    const pub = await subtle().importKey("jwk", { kty: "OKP", crv: "Ed25519", x: ED25519.x }, { name: "Ed25519" }, true, ["verify"]);
    const sig = await subtle().sign("Ed25519", priv, bytes("edge"));
    return [hex(sig), await subtle().verify("Ed25519", pub, sig, bytes("edge")), hex(await subtle().exportKey("raw", pub))];
  },
  "crypto.x25519": async () => {
    const gen = () => subtle().generateKey({ name: "X25519" }, false, ["deriveBits"]);
    const [a, b] = [await gen(), await gen()];
    const ab = await subtle().deriveBits({ name: "X25519", public: b.publicKey }, a.privateKey, 256);
    const ba = await subtle().deriveBits({ name: "X25519", public: a.publicKey }, b.privateKey, 256);
    return [ab.byteLength, hex(ab) === hex(ba)];
  },
  "crypto.rsaOaep": async () => {
    const alg = { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    const { privateKey, publicKey } = await subtle().generateKey(alg, true, ["encrypt", "decrypt"]);
    const ct = await subtle().encrypt({ name: "RSA-OAEP" }, publicKey, bytes("oaep"));
    const spki = await subtle().exportKey("spki", publicKey);
    return [ct.byteLength, new TextDecoder().decode(await subtle().decrypt({ name: "RSA-OAEP" }, privateKey, ct)), spki.byteLength, publicKey.algorithm.modulusLength];
  },
  "crypto.rsaPss": async () => {
    const alg = { name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
    const { privateKey, publicKey } = await subtle().generateKey(alg, false, ["sign", "verify"]);
    const sig = await subtle().sign({ name: "RSA-PSS", saltLength: 32 }, privateKey, bytes("pss"));
    return [sig.byteLength, await subtle().verify({ name: "RSA-PSS", saltLength: 32 }, publicKey, sig, bytes("pss"))];
  },
  "crypto.pbkdf2": async () => {
    const base = await subtle().importKey("raw", bytes("password"), "PBKDF2", false, ["deriveBits"]);
    return hex(await subtle().deriveBits({ name: "PBKDF2", salt: bytes("salt"), iterations: 1000, hash: "SHA-256" }, base, 256));
  },
  "crypto.hkdf": async () => {
    const base = await subtle().importKey("raw", bytes("input key"), "HKDF", false, ["deriveKey", "deriveBits"]);
    const bits = await subtle().deriveBits({ name: "HKDF", salt: bytes("s"), info: bytes("i"), hash: "SHA-256" }, base, 128);
    const key = await subtle().deriveKey({ name: "HKDF", salt: bytes("s"), info: bytes("i"), hash: "SHA-256" }, base, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
    return [hex(bits), hex(await subtle().exportKey("raw", key))];
  },
  "crypto.generateAes": async () => {
    const key = await subtle().generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    return [key.type, key.extractable, key.algorithm, key.usages, (await subtle().exportKey("raw", key)).byteLength];
  },
  "crypto.errors": async () => [
    await throwsName(() => subtle().importKey("raw", new Uint8Array(7), "AES-GCM", false, ["encrypt"])),
    await throwsName(async () => subtle().exportKey("raw", await subtle().importKey("raw", KEY16, "AES-GCM", false, ["encrypt"]))),
    await throwsName(() => subtle().digest("SHA-3", bytes("x"))),
    await throwsName(async () => subtle().encrypt({ name: "AES-GCM", iv: IV12 }, await aes("AES-CBC"), bytes("x"))),
  ],
  "crypto.random": () => {
    const a = crypto.getRandomValues(new Uint8Array(16));
    return [a.length, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()), throwsName(() => crypto.getRandomValues(new Uint8Array(65537)))];
  },
  "crypto.timingSafeEqual": () => typeof crypto.subtle.timingSafeEqual === "function" ? [crypto.subtle.timingSafeEqual(bytes("ab"), bytes("ab")), crypto.subtle.timingSafeEqual(bytes("ab"), bytes("ac"))] : "missing",
};
