// End to end, the host-backed WebCrypto (issue #14): the crypto fixture, built by the real `outpost build`
// and served by a real edge node, answers every check of its checks.ts exactly as Node's WebCrypto does for
// the same calls (fixed keys: the same bytes; bad arguments: the same error names) and what workerd answers
// where Node differs, and its generated keys and outputs work in Node. Cost per call: bench/conformance.ts.
import { createPrivateKey, webcrypto } from "node:crypto";
import { request } from "undici";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { CHECKS, run, WORKERD } from "./fixtures/crypto-app/src/checks.ts";
import { serveBuilt } from "../../testkit/apps.ts";
import type { Running } from "../../testkit/process.ts";
import { removeDir, tempDir } from "../../testkit/temp.ts";

type Ctx = { dir: string; node: Running; answers: Record<string, any> };
const crypto = suite<Ctx>("WebCrypto from the host");
const subtle = webcrypto.subtle;
const unhex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));

async function get(node: Running, path: string): Promise<any> {
  const res = await request(`${node.url}${path}`, { headers: { host: "crypto.test" }, headersTimeout: 120_000, bodyTimeout: 120_000 });
  const text = await res.body.text();
  assert.is(res.statusCode, 200, text);
  return JSON.parse(text);
}

crypto.before(async (ctx) => {
  ctx.dir = tempDir("outpost-crypto-");
  try {
    ctx.node = await serveBuilt("crypto-app", ctx.dir);
    ctx.answers = await get(ctx.node, "/all");
  } catch (err) {
    console.error(err); // uvu would not show why the suite did not start
    throw err;
  }
});

crypto.after(async (ctx) => {
  await ctx.node?.stop();
  if (ctx.dir) removeDir(ctx.dir);
});

crypto("every check answers what Node's WebCrypto answers for the same calls", async (ctx) => {
  const names = Object.keys(CHECKS);
  assert.equal(Object.keys(ctx.answers).sort(), [...names].sort());
  for (const name of names) assert.equal(ctx.answers[name], JSON.parse(JSON.stringify(await run(name))), name);
});

crypto("the answers the issue names, spelled out", ({ answers }) => {
  const gcm = answers["aes-gcm.roundtrip"].returned;
  assert.equal([gcm.same, gcm.ctIsArrayBuffer, gcm.key.isCryptoKey, gcm.key.algorithm], [true, true, true, { name: "AES-GCM", length: 256 }]);
  assert.is(gcm.ct.length, 2 * (4 * 67 + 16), "ciphertext plus a 128-bit tag");
  const ecdsa = answers["ecdsa.p256"].returned;
  assert.equal([ecdsa.ok, ecdsa.tampered, ecdsa.sigBytes, ecdsa.public.usages, ecdsa.private.extractable], [true, false, 64, ["verify"], false]);
  assert.equal(ecdsa.privateExport, { throws: "InvalidAccessError" }, "a non-extractable key refuses exportKey");
  assert.equal(answers["rsa-oaep.roundtrip"].returned.same, true);
  assert.equal(answers.errors.returned[0], { throws: "DataError" }, "AES-GCM with a 7-byte key");
  assert.equal(answers.hmac.returned.key.isCryptoKey, true);
  assert.equal(answers.early.returned.length, 2, "keys imported by top-level code (build time) work at the first request");
});

crypto("where Node's WebCrypto differs from workerd's, the answers are workerd's", async ({ node }) => {
  const answers = await get(node, "/workerd");
  for (const [name, [, expected]] of Object.entries(WORKERD)) assert.equal(answers[name], expected, name);
});

crypto("keys and outputs made on Outpost work in Node", async ({ node }) => {
  const c = await get(node, "/cross");
  const data = unhex(c.data);
  const ec = await subtle.importKey("spki", unhex(c.ecdsaSpki), { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  assert.ok(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, ec, unhex(c.ecdsaSig), data), "Node verifies Outpost's ECDSA signature");
  const rsa = await subtle.importKey("pkcs8", unhex(c.rsaPkcs8), { name: "RSA-OAEP", hash: "SHA-256" }, false, ["decrypt"]);
  assert.equal(new Uint8Array(await subtle.decrypt({ name: "RSA-OAEP" }, rsa, unhex(c.rsaCiphertext))), data.subarray(0, 64), "Node decrypts Outpost's RSA-OAEP ciphertext");
  assert.is(createPrivateKey({ key: Buffer.from(unhex(c.rsaPkcs8)), format: "der", type: "pkcs8" }).asymmetricKeyDetails?.modulusLength, 2048);
});

crypto.run();
