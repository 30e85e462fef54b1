// Tests of the host side of outpost:edge/crypto, called the way the guest calls it (one request of
// params JSON, key handle and data): results compared with Node's WebCrypto for fixed keys and inputs,
// keys it made used by Node and the other way round, the TypeError/DOMException names of bad arguments,
// the imported-key cache, and the size limits.
import { createHmac, webcrypto } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createCryptoHost, CRYPTO_LIMITS, type CryptoOp } from "./crypto.ts";

const subtle = webcrypto.subtle;
const enc = new TextEncoder();
const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");
const b64 = (b: Uint8Array) => ({ $b: Buffer.from(b).toString("base64") });

/** One handle as the guest keeps it, with the descriptor parsed for the assertions. */
interface Key { handle: Uint8Array; type: string; extractable: boolean; algorithm: Record<string, unknown>; usages: string[] }

function request(params: unknown, key: Uint8Array | null, data: Uint8Array): Uint8Array {
  const p = enc.encode(JSON.stringify(params));
  const k = key ?? new Uint8Array(0);
  const out = Buffer.alloc(8 + p.length + k.length + data.length);
  out.writeUInt32LE(p.length, 0);
  out.set(p, 4);
  out.writeUInt32LE(k.length, 4 + p.length);
  out.set(k, 8 + p.length);
  out.set(data, 8 + p.length + k.length);
  return out;
}

function keysOf(out: Uint8Array): Key[] {
  const b = Buffer.from(out);
  const keys: Key[] = [];
  for (let at = 0; at < b.length;) {
    const handle = b.subarray(at + 4, at + 4 + b.readUInt32LE(at));
    const dl = handle.readUInt32LE(0);
    keys.push({ handle, ...JSON.parse(handle.toString("utf8", 4, 4 + dl)) });
    at += 4 + handle.length;
  }
  return keys;
}

/** host.call, its Err string thrown as an Error (uvu shows nothing for a thrown string). */
function direct(host: ReturnType<typeof createCryptoHost>, op: CryptoOp, req: Uint8Array): Uint8Array {
  try {
    return host.call(op, req);
  } catch (err) {
    throw typeof err === "string" ? new Error(err) : err;
  }
}

function client(host = createCryptoHost()) {
  const call = (op: CryptoOp, params: unknown, key: Key | null = null, data: Uint8Array = new Uint8Array(0)) => direct(host, op, request(params, key && key.handle, data));
  const ref = (k: Key) => ({ $k: Buffer.from(k.handle).toString("base64") });
  return {
    host, call, ref,
    importKey: (format: string, data: Uint8Array | object, algorithm: unknown, extractable: boolean, usages: string[]) =>
      keysOf(call("import-key", { format, algorithm, extractable, usages }, null, data instanceof Uint8Array ? data : enc.encode(JSON.stringify(data))))[0],
    generateKey: (algorithm: unknown, extractable: boolean, usages: string[]) => keysOf(call("generate-key", { algorithm, extractable, usages })),
    exportKey: (format: string, key: Key) => call("export-key", { format }, key),
  };
}

/** What a call threw: the parsed Err JSON. */
function failure(f: () => unknown): { name: string; message: string } {
  try {
    f();
  } catch (err) {
    assert.instance(err, Error);
    return JSON.parse((err as Error).message);
  }
  throw new Error("expected the call to fail");
}

const KEY16 = Uint8Array.from({ length: 16 }, (_, i) => i);
const KEY32 = Uint8Array.from({ length: 32 }, (_, i) => i * 3);
const IV12 = Uint8Array.from({ length: 12 }, (_, i) => 100 + i);
const DATA = enc.encode("The quick brown fox jumps over the lazy dog, twice over, to fill some blocks.");

test("AES-GCM: the ciphertext of a fixed key, iv and additional data is Node's, and decrypts back", async () => {
  const c = client();
  const key = c.importKey("raw", KEY16, "aes-gcm", true, ["encrypt", "decrypt"]);
  assert.equal(key.algorithm, { name: "AES-GCM", length: 128 });
  const aad = enc.encode("header");
  const ours = c.call("encrypt", { algorithm: { name: "AES-GCM", iv: b64(IV12), additionalData: b64(aad), tagLength: 96 } }, key, DATA);
  const nodeKey = await subtle.importKey("raw", KEY16, "AES-GCM", false, ["encrypt"]);
  assert.is(hex(ours), hex(await subtle.encrypt({ name: "AES-GCM", iv: IV12, additionalData: aad, tagLength: 96 }, nodeKey, DATA)));
  const back = c.call("decrypt", { algorithm: { name: "AES-GCM", iv: b64(IV12), additionalData: b64(aad), tagLength: 96 } }, key, ours);
  assert.is(Buffer.from(back).toString(), Buffer.from(DATA).toString());
  const tampered = Uint8Array.from(ours);
  tampered[0] ^= 1;
  assert.is(failure(() => c.call("decrypt", { algorithm: { name: "AES-GCM", iv: b64(IV12), additionalData: b64(aad), tagLength: 96 } }, key, tampered)).name, "OperationError");
});

test("AES-CBC, AES-CTR (with the counter wrapping in its low bits) and AES-KW agree with Node", async () => {
  const c = client();
  const iv16 = Uint8Array.from({ length: 16 }, (_, i) => 200 + i);
  const cbc = c.importKey("raw", KEY16, "AES-CBC", false, ["encrypt"]);
  const nodeCbc = await subtle.importKey("raw", KEY16, "AES-CBC", false, ["encrypt"]);
  assert.is(hex(c.call("encrypt", { algorithm: { name: "AES-CBC", iv: b64(iv16) } }, cbc, DATA)), hex(await subtle.encrypt({ name: "AES-CBC", iv: iv16 }, nodeCbc, DATA)));
  const counter = Uint8Array.from({ length: 16 }, (_, i) => (i < 15 ? i : 0xfe)); // 8-bit counter wraps after 2 blocks
  const ctr = c.importKey("raw", KEY16, "AES-CTR", false, ["encrypt"]);
  const nodeCtr = await subtle.importKey("raw", KEY16, "AES-CTR", false, ["encrypt"]);
  assert.is(hex(c.call("encrypt", { algorithm: { name: "AES-CTR", counter: b64(counter), length: 8 } }, ctr, DATA)), hex(await subtle.encrypt({ name: "AES-CTR", counter, length: 8 }, nodeCtr, DATA)));
  const kw = c.importKey("raw", KEY16, "AES-KW", false, ["wrapKey", "unwrapKey"]);
  const toWrap = c.importKey("raw", KEY32, "AES-GCM", true, ["encrypt"]);
  const wrapped = c.call("wrap-key", { format: "raw", algorithm: "AES-KW", wrapped: c.ref(toWrap) }, kw);
  const nodeKw = await subtle.importKey("raw", KEY16, "AES-KW", false, ["wrapKey"]);
  const nodeToWrap = await subtle.importKey("raw", KEY32, "AES-GCM", true, ["encrypt"]);
  assert.is(hex(wrapped), hex(await subtle.wrapKey("raw", nodeToWrap, nodeKw, "AES-KW")));
  const unwrapped = keysOf(c.call("unwrap-key", { format: "raw", algorithm: "AES-KW", unwrappedKeyAlgorithm: "AES-GCM", extractable: true, usages: ["decrypt"] }, kw, wrapped))[0];
  assert.equal(unwrapped.algorithm, { name: "AES-GCM", length: 256 });
  assert.is(hex(c.exportKey("raw", unwrapped)), hex(KEY32));
});

test("HMAC: sign is Node's createHmac, verify accepts it and refuses another; generated keys have the hash's block size", () => {
  const c = client();
  const key = c.importKey("raw", enc.encode("secret"), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const mac = c.call("sign", { algorithm: "HMAC" }, key, DATA);
  assert.is(hex(mac), createHmac("sha256", "secret").update(DATA).digest("hex"));
  assert.is(c.call("verify", { algorithm: "HMAC", signature: b64(mac) }, key, DATA)[0], 1);
  assert.is(c.call("verify", { algorithm: "HMAC", signature: b64(mac.subarray(1)) }, key, DATA)[0], 0);
  const [made] = c.generateKey({ name: "HMAC", hash: { name: "SHA-512" } }, true, ["sign"]);
  assert.equal(made.algorithm, { name: "HMAC", hash: { name: "SHA-512" }, length: 1024 });
});

test("ECDSA P-256: a generated pair signs, Node verifies the signature with the exported public key, and so do we", async () => {
  const c = client();
  const [pub, priv] = c.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"]);
  assert.equal([pub.type, pub.extractable, pub.usages, priv.type, priv.extractable, priv.usages], ["public", true, ["verify"], "private", false, ["sign"]]);
  const sig = c.call("sign", { algorithm: { name: "ECDSA", hash: "SHA-256" } }, priv, DATA);
  assert.is(sig.length, 64);
  const nodePub = await subtle.importKey("spki", c.exportKey("spki", pub), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
  assert.ok(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, nodePub, sig, DATA));
  assert.is(c.call("verify", { algorithm: { name: "ECDSA", hash: "SHA-256" }, signature: b64(sig) }, pub, DATA)[0], 1);
  const raw = c.exportKey("raw", pub);
  assert.is(raw.length, 65);
  assert.is(hex(raw), hex(await subtle.exportKey("raw", nodePub)));
  assert.is(failure(() => c.exportKey("pkcs8", priv)).name, "InvalidAccessError");
});

test("Ed25519: a fixed JWK signs as Node signs; its exports round-trip", async () => {
  const c = client();
  const nodePair = await subtle.generateKey("Ed25519", true, ["sign", "verify"]) as CryptoKeyPair;
  const jwk = await subtle.exportKey("jwk", nodePair.privateKey);
  const priv = c.importKey("jwk", jwk, "Ed25519", true, ["sign"]);
  const sig = c.call("sign", { algorithm: "Ed25519" }, priv, DATA);
  assert.is(hex(sig), hex(await subtle.sign("Ed25519", nodePair.privateKey, DATA)));
  const pub = c.importKey("raw", new Uint8Array(await subtle.exportKey("raw", nodePair.publicKey)), "Ed25519", true, ["verify"]);
  assert.is(c.call("verify", { algorithm: "Ed25519", signature: b64(sig) }, pub, DATA)[0], 1);
  const exported = JSON.parse(Buffer.from(c.exportKey("jwk", priv)).toString());
  assert.equal([exported.kty, exported.crv, exported.d, exported.x, exported.key_ops, exported.ext], ["OKP", "Ed25519", jwk.d, jwk.x, ["sign"], true]);
});

test("RSA-OAEP: our public key encrypts, Node's private key decrypts; and Node's ciphertext decrypts with the pair imported", async () => {
  const c = client();
  const [pub, priv] = c.generateKey({ name: "RSA-OAEP", modulusLength: 1024, publicExponent: b64(Uint8Array.of(1, 0, 1)), hash: "SHA-256" }, true, ["encrypt", "decrypt"]);
  assert.equal(pub.algorithm, { name: "RSA-OAEP", modulusLength: 1024, publicExponent: [1, 0, 1], hash: { name: "SHA-256" } });
  const label = enc.encode("label");
  const ct = c.call("encrypt", { algorithm: { name: "RSA-OAEP", label: b64(label) } }, pub, DATA.subarray(0, 40));
  const nodePriv = await subtle.importKey("pkcs8", c.exportKey("pkcs8", priv), { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]);
  assert.is(Buffer.from(await subtle.decrypt({ name: "RSA-OAEP", label }, nodePriv, ct)).toString(), Buffer.from(DATA.subarray(0, 40)).toString());
  const nodePub = await subtle.importKey("jwk", JSON.parse(Buffer.from(c.exportKey("jwk", pub)).toString()), { name: "RSA-OAEP", hash: "SHA-256" }, false, ["encrypt"]);
  const theirs = await subtle.encrypt({ name: "RSA-OAEP" }, nodePub, DATA.subarray(0, 10));
  assert.is(Buffer.from(c.call("decrypt", { algorithm: "RSA-OAEP" }, priv, new Uint8Array(theirs))).toString(), Buffer.from(DATA.subarray(0, 10)).toString());
});

test("PBKDF2, HKDF and ECDH deriveBits equal Node's; deriveKey makes the key Node makes", async () => {
  const c = client();
  const salt = enc.encode("salt"), info = enc.encode("info");
  const pb = c.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits", "deriveKey"]);
  const nodePb = await subtle.importKey("raw", enc.encode("password"), "PBKDF2", false, ["deriveBits", "deriveKey"]);
  const pbkdf2 = { name: "PBKDF2", salt: b64(salt), iterations: 1000, hash: "SHA-256" };
  assert.is(hex(c.call("derive-bits", { algorithm: pbkdf2, length: 256 }, pb)), hex(await subtle.deriveBits({ name: "PBKDF2", salt, iterations: 1000, hash: "SHA-256" }, nodePb, 256)));
  const hk = c.importKey("raw", KEY16, "HKDF", false, ["deriveBits"]);
  const nodeHk = await subtle.importKey("raw", KEY16, "HKDF", false, ["deriveBits"]);
  assert.is(hex(c.call("derive-bits", { algorithm: { name: "HKDF", salt: b64(salt), info: b64(info), hash: "SHA-384" }, length: 328 }, hk)), hex(await subtle.deriveBits({ name: "HKDF", salt, info, hash: "SHA-384" }, nodeHk, 328)));
  const derived = keysOf(c.call("derive-key", { algorithm: pbkdf2, derivedKeyType: { name: "AES-GCM", length: 256 }, extractable: true, usages: ["encrypt"] }, pb))[0];
  const nodeDerived = await subtle.deriveKey({ name: "PBKDF2", salt, iterations: 1000, hash: "SHA-256" }, nodePb, { name: "AES-GCM", length: 256 }, true, ["encrypt"]);
  assert.is(hex(c.exportKey("raw", derived)), hex(await subtle.exportKey("raw", nodeDerived)));
  const [aPub, aPriv] = c.generateKey({ name: "ECDH", namedCurve: "P-384" }, true, ["deriveBits"]);
  const [bPub, bPriv] = c.generateKey({ name: "ECDH", namedCurve: "P-384" }, true, ["deriveBits"]);
  assert.equal(aPub.usages, []);
  const ab = c.call("derive-bits", { algorithm: { name: "ECDH", public: c.ref(bPub) }, length: null }, aPriv);
  const ba = c.call("derive-bits", { algorithm: { name: "ECDH", public: c.ref(aPub) }, length: 100 }, bPriv);
  assert.is(ab.length, 48);
  assert.is(hex(ba), hex(Uint8Array.from([...ab.subarray(0, 12), ab[12] & 0xf0])));
});

test("wrapKey and unwrapKey round-trip a JWK through AES-GCM, and a non-extractable key refuses both export and wrap", () => {
  const c = client();
  const wrapping = c.importKey("raw", KEY16, "AES-GCM", false, ["wrapKey", "unwrapKey"]);
  const hmac = c.importKey("raw", enc.encode("a hmac key"), { name: "HMAC", hash: "SHA-1" }, true, ["sign"]);
  const gcm = { name: "AES-GCM", iv: b64(IV12) };
  const wrapped = c.call("wrap-key", { format: "jwk", algorithm: gcm, wrapped: c.ref(hmac) }, wrapping);
  const back = keysOf(c.call("unwrap-key", { format: "jwk", algorithm: gcm, unwrappedKeyAlgorithm: { name: "HMAC", hash: "SHA-1" }, extractable: false, usages: ["sign"] }, wrapping, wrapped))[0];
  assert.equal([back.extractable, back.algorithm], [false, { name: "HMAC", hash: { name: "SHA-1" }, length: 80 }]);
  assert.is(hex(c.call("sign", { algorithm: "HMAC" }, back, DATA)), createHmac("sha1", "a hmac key").update(DATA).digest("hex"));
  assert.equal(failure(() => c.exportKey("raw", back)), { name: "InvalidAccessError", message: "Attempt to export non-extractable HMAC key." }, "workerd's error");
  assert.is(failure(() => c.call("wrap-key", { format: "raw", algorithm: gcm, wrapped: c.ref(back) }, wrapping)).name, "InvalidAccessError");
});

test("bad arguments fail with the TypeError or DOMException name WebCrypto gives (and Node gives)", async () => {
  const c = client();
  const cases: Array<[string, () => unknown, () => Promise<unknown>]> = [
    ["a 7-byte AES key", () => c.importKey("raw", new Uint8Array(7), "AES-GCM", true, ["encrypt"]), () => subtle.importKey("raw", new Uint8Array(7), "AES-GCM", true, ["encrypt"])],
    ["an unknown algorithm", () => c.importKey("raw", KEY16, "AES-FOO", true, ["encrypt"]), () => subtle.importKey("raw", KEY16, "AES-FOO", true, ["encrypt"])],
    ["a usage AES keys lack", () => c.importKey("raw", KEY16, "AES-GCM", true, ["sign"]), () => subtle.importKey("raw", KEY16, "AES-GCM", true, ["sign"])],
    ["no usages", () => c.importKey("raw", KEY16, "AES-GCM", true, []), () => subtle.importKey("raw", KEY16, "AES-GCM", true, [])],
    ["an invalid usage string", () => c.importKey("raw", KEY16, "AES-GCM", true, ["fly"]), () => subtle.importKey("raw", KEY16, "AES-GCM", true, ["fly" as KeyUsage])],
    ["HMAC without a hash", () => c.importKey("raw", KEY16, "HMAC", true, ["sign"]), () => subtle.importKey("raw", KEY16, "HMAC", true, ["sign"])],
    ["an extractable PBKDF2 key", () => c.importKey("raw", KEY16, "PBKDF2", true, ["deriveBits"]), () => subtle.importKey("raw", KEY16, "PBKDF2", true, ["deriveBits"])],
    ["an unknown curve", () => c.generateKey({ name: "ECDSA", namedCurve: "P-257" }, true, ["sign"]), () => subtle.generateKey({ name: "ECDSA", namedCurve: "P-257" }, true, ["sign"])],
    ["AES-GCM without an iv", () => c.call("encrypt", { algorithm: "AES-GCM" }, c.importKey("raw", KEY16, "AES-GCM", true, ["encrypt"]), DATA), async () => subtle.encrypt({ name: "AES-GCM" } as AesGcmParams, await subtle.importKey("raw", KEY16, "AES-GCM", true, ["encrypt"]), DATA)],
    ["an AES-CBC iv of 12 bytes", () => c.call("encrypt", { algorithm: { name: "AES-CBC", iv: b64(IV12) } }, c.importKey("raw", KEY16, "AES-CBC", true, ["encrypt"]), DATA), async () => subtle.encrypt({ name: "AES-CBC", iv: IV12 }, await subtle.importKey("raw", KEY16, "AES-CBC", true, ["encrypt"]), DATA)],
    ["a key without the usage", () => c.call("decrypt", { algorithm: { name: "AES-GCM", iv: b64(IV12) } }, c.importKey("raw", KEY16, "AES-GCM", true, ["encrypt"]), DATA), async () => subtle.decrypt({ name: "AES-GCM", iv: IV12 }, await subtle.importKey("raw", KEY16, "AES-GCM", true, ["encrypt"]), DATA)],
    ["a key of another algorithm", () => c.call("encrypt", { algorithm: { name: "AES-CBC", iv: b64(new Uint8Array(16)) } }, c.importKey("raw", KEY16, "AES-GCM", true, ["encrypt"]), DATA), async () => subtle.encrypt({ name: "AES-CBC", iv: new Uint8Array(16) }, await subtle.importKey("raw", KEY16, "AES-GCM", true, ["encrypt"]), DATA)],
    ["PBKDF2 with no length", () => c.call("derive-bits", { algorithm: { name: "PBKDF2", salt: b64(KEY16), iterations: 1, hash: "SHA-256" }, length: null }, c.importKey("raw", KEY16, "PBKDF2", false, ["deriveBits"])), async () => subtle.deriveBits({ name: "PBKDF2", salt: KEY16, iterations: 1, hash: "SHA-256" }, await subtle.importKey("raw", KEY16, "PBKDF2", false, ["deriveBits"]), null as unknown as number)],
    ["a raw export of an RSA key", () => c.exportKey("raw", c.generateKey({ name: "RSA-PSS", modulusLength: 1024, publicExponent: b64(Uint8Array.of(1, 0, 1)), hash: "SHA-256" }, true, ["verify"])[0]), async () => subtle.exportKey("raw", ((await subtle.generateKey({ name: "RSA-PSS", modulusLength: 1024, publicExponent: Uint8Array.of(1, 0, 1), hash: "SHA-256" }, true, ["verify"])) as CryptoKeyPair).publicKey)],
    ["a JWK that is not extractable, imported extractable", () => c.importKey("jwk", { kty: "oct", k: "AAECAwQFBgcICQoLDA0ODw", ext: false }, "AES-GCM", true, ["encrypt"]), () => subtle.importKey("jwk", { kty: "oct", k: "AAECAwQFBgcICQoLDA0ODw", ext: false }, "AES-GCM", true, ["encrypt"])],
  ];
  for (const [what, ours, node] of cases) {
    const name = failure(ours).name;
    const theirs = await node().then(() => "resolved", (e: Error) => e.name);
    assert.is(name, theirs, what);
  }
  assert.is(failure(() => direct(c.host, "sign", new Uint8Array(3))).name, "TypeError");
});

test("a sign loop imports its key once; the cache is bounded and keyed by the whole handle", () => {
  const c = client(createCryptoHost({ cacheEntries: 2 }));
  const [, priv] = c.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const before = c.host.stats.misses;
  for (let i = 0; i < 50; i++) c.call("sign", { algorithm: { name: "ECDSA", hash: "SHA-256" } }, priv, DATA);
  assert.is(c.host.stats.misses - before, 1);
  const others = [1, 2, 3].map((i) => c.importKey("raw", Uint8Array.from({ length: 16 }, () => i), "AES-GCM", false, ["encrypt"]));
  for (const k of others) c.call("encrypt", { algorithm: { name: "AES-GCM", iv: b64(IV12) } }, k, DATA);
  assert.is(c.host.cache.size, 2);
  const missesNow = c.host.stats.misses;
  c.call("sign", { algorithm: { name: "ECDSA", hash: "SHA-256" } }, priv, DATA); // evicted: imported again
  assert.is(c.host.stats.misses - missesNow, 1);
  const forged = Uint8Array.from(priv.handle);
  forged[forged.length - 1] ^= 0xff; // other material, same descriptor: not the cached key
  const missesBefore = c.host.stats.misses;
  try { c.host.call("sign", request({ algorithm: { name: "ECDSA", hash: "SHA-256" } }, forged, DATA)); } catch {}
  assert.is(c.host.stats.misses - missesBefore, 1);
});

test("inputs over the limits are refused with a QuotaExceededError naming the limit; so are PBKDF2 counts workerd refuses", () => {
  const c = client();
  const key = c.importKey("raw", KEY16, "AES-GCM", false, ["encrypt"]);
  const big = c.call.bind(null, "encrypt", { algorithm: { name: "AES-GCM", iv: b64(IV12) } }, key, new Uint8Array(CRYPTO_LIMITS.dataBytes + 1));
  const e = failure(big);
  assert.equal([e.name, /at most 33554432/.test(e.message)], ["QuotaExceededError", true]);
  assert.is(failure(() => c.call("encrypt", { algorithm: { name: "AES-GCM", iv: b64(IV12), pad: "x".repeat(CRYPTO_LIMITS.paramsBytes) } }, key, DATA)).name, "QuotaExceededError");
  assert.is(failure(() => direct(c.host, "encrypt", request({ algorithm: "AES-GCM" }, new Uint8Array(CRYPTO_LIMITS.handleBytes + 1), DATA))).name, "QuotaExceededError");
  const pb = c.importKey("raw", KEY16, "PBKDF2", false, ["deriveBits"]);
  assert.is(failure(() => c.call("derive-bits", { algorithm: { name: "PBKDF2", salt: b64(KEY16), iterations: CRYPTO_LIMITS.pbkdf2Iterations + 1, hash: "SHA-256" }, length: 256 }, pb)).name, "NotSupportedError");
  assert.is(failure(() => c.call("derive-bits", { algorithm: { name: "PBKDF2", salt: b64(KEY16), iterations: 1, hash: "SHA-256" }, length: (CRYPTO_LIMITS.dataBytes + 1) * 8 }, pb)).name, "QuotaExceededError");
});

test.run();
