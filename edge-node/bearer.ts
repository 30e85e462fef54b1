// Checks an `Authorization: Bearer <token>` header against the expected token in constant time
// (timingSafeEqual over SHA-256 digests, so neither length nor content leaks through timing), and
// guards the node's region-token endpoints (`/_outpost/logs`, `/_outpost/events`) with it.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { refuse } from "./json-response.ts";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** "missing" (no or malformed header), "wrong", or "ok". */
export function checkBearer(header: string | undefined, expected: string): "missing" | "wrong" | "ok" {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) return "missing";
  return timingSafeEqual(digest(m[1]), digest(expected)) ? "ok" : "wrong";
}

/**
 * True when the request carries this node's region token; otherwise answers 403 (the node has no
 * token, so `endpoint` is closed) or 401 (missing or wrong token) and returns false.
 */
export function requireRegionToken(req: IncomingMessage, res: ServerResponse, regionToken: string | undefined, endpoint: string): boolean {
  if (!regionToken) {
    req.resume();
    refuse(res, 403, "forbidden", `this node has no region token (--region-token or OUTPOST_REGION_TOKEN), so its ${endpoint} endpoint is closed`);
    return false;
  }
  const auth = checkBearer(req.headers.authorization, regionToken);
  if (auth === "ok") return true;
  req.resume();
  refuse(res, 401, "unauthorized", auth === "missing" ? "send the region token as `Authorization: Bearer <token>`" : "the bearer token is not this region's token");
  return false;
}
