// The conformance app (issue #14): every check of ./checks by name. GET /checks lists them, GET /all runs
// every one and answers {name: result}, GET /check/<name> runs one, GET /time/<name>?n=N runs one N times
// (the bench's cost per call). A result is JSON: {value} when the check returned, {error} when it threw.
import crypto from "./checks/crypto.js";
import encoding from "./checks/encoding.js";
import fetchTypes from "./checks/fetch.js";
import intl from "./checks/intl.js";
import language from "./checks/language.js";
import platform from "./checks/platform.js";
import streams from "./checks/streams.js";
import url from "./checks/url.js";

const CHECKS = { ...url, ...encoding, ...fetchTypes, ...streams, ...crypto, ...intl, ...platform, ...language, noop: () => null };

/** JSON text of a value, with what JSON cannot show (undefined, bigint, -0) spelled out. */
function plain(value) {
  return JSON.parse(JSON.stringify(value, (_k, v) => (v === undefined ? "<undefined>" : typeof v === "bigint" ? `${v}n` : Object.is(v, -0) ? "<-0>" : v)) ?? "null");
}

async function run(name) {
  try {
    return { value: plain(await CHECKS[name]()) };
  } catch (err) {
    return { error: `${err?.name ?? typeof err}: ${err?.message ?? String(err)}` };
  }
}

export default {
  async fetch(request) {
    const { pathname, searchParams } = new URL(request.url);
    const [, verb, name] = pathname.split("/");
    if (verb === "checks") return Response.json(Object.keys(CHECKS));
    if (verb === "all") {
      const out = {};
      for (const n of Object.keys(CHECKS)) out[n] = await run(n);
      return Response.json(out);
    }
    if (!(name in CHECKS)) return Response.json({ error: `no check named ${name}` }, { status: 404 });
    if (verb === "check") return Response.json(await run(name));
    if (verb === "time") {
      const n = Math.min(Number(searchParams.get("n") ?? 1), 10_000);
      for (let i = 0; i < n; i++) await CHECKS[name]();
      return Response.json({ n });
    }
    return Response.json({ error: "use /checks, /all, /check/<name> or /time/<name>?n=N" }, { status: 404 });
  },
};
