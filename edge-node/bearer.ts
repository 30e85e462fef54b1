// Checks an `Authorization: Bearer <token>` header against the expected token in constant time
// (timingSafeEqual over SHA-256 digests, so neither length nor content leaks through timing).
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** "missing" (no or malformed header), "wrong", or "ok". */
export function checkBearer(header: string | undefined, expected: string): "missing" | "wrong" | "ok" {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!m) return "missing";
  return timingSafeEqual(digest(m[1]), digest(expected)) ? "ok" : "wrong";
}
