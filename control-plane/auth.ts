// Bearer tokens (spec/replication.md "Tokens"): the admin and region tokens (from the environment or
// generated into the data dir, mode 0600), per-app deploy tokens stored as SHA-256 digests, constant-time
// comparison, and the 401/403 checks every route makes.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HttpError } from "./http/errors.ts";

export type Principal = { kind: "admin" } | { kind: "region" } | { kind: "deploy"; app: string };

export function sha256(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

export function tokenDigestHex(token: string): string {
  return sha256(token).toString("hex");
}

/** Compares two tokens in constant time (of their SHA-256 digests, so lengths leak nothing either). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

export function newDeployToken(): { token: string; digest: string } {
  const token = newToken("opd");
  return { token, digest: tokenDigestHex(token) };
}

/** The token from `env[envVar]`, else the one in `<dataDir>/<file>`, else a new one written there (0600). */
export function loadOrCreateToken(dataDir: string, envVar: string, file: string, env: NodeJS.ProcessEnv = process.env): { token: string; source: string } {
  const fromEnv = env[envVar]?.trim();
  if (fromEnv) return { token: fromEnv, source: `$${envVar}` };
  const path = join(dataDir, file);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    const existing = readFileSync(path, "utf8").trim();
    if (existing) return { token: existing, source: path };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const token = newToken(file.startsWith("admin") ? "opa" : "opr");
  writeFileSync(path, token + "\n", { mode: 0o600, flag: "w" });
  return { token, source: path };
}

/** The token of an `Authorization: Bearer <token>` header, or a 401 naming what is wrong. */
export function bearerToken(header: string | null): string {
  if (!header) throw new HttpError(401, "unauthorized", "missing Authorization header: send `Authorization: Bearer <token>`");
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (!m) throw new HttpError(401, "unauthorized", "malformed Authorization header: expected `Bearer <token>`");
  return m[1];
}

export interface AuthOptions {
  adminToken: string;
  regionToken: string;
  /** The app whose deploy-token digests include this one (constant-time), if any. */
  findAppByDigest: (digestHex: string) => string | undefined;
}

export class Auth {
  #admin: Buffer;
  #region: Buffer;
  #findApp: AuthOptions["findAppByDigest"];

  constructor(options: AuthOptions) {
    this.#admin = sha256(options.adminToken);
    this.#region = sha256(options.regionToken);
    this.#findApp = options.findAppByDigest;
  }

  /** Who holds the request's bearer token; 401 when it is missing, malformed or unknown. */
  authenticate(request: Request): Principal {
    const token = bearerToken(request.headers.get("authorization"));
    const digest = sha256(token);
    const isAdmin = timingSafeEqual(digest, this.#admin);
    const isRegion = timingSafeEqual(digest, this.#region);
    if (isAdmin) return { kind: "admin" };
    if (isRegion) return { kind: "region" };
    const app = this.#findApp(digest.toString("hex"));
    if (app !== undefined) return { kind: "deploy", app };
    throw new HttpError(401, "unauthorized", "the bearer token is not an admin, region or deploy token of this control plane");
  }
}

function describe(p: Principal): string {
  return p.kind === "deploy" ? `a deploy token of app '${p.app}'` : `the ${p.kind} token`;
}

/** 403 unless the admin token. */
export function requireAdmin(p: Principal, action: string): void {
  if (p.kind !== "admin") throw new HttpError(403, "forbidden", `${action} needs the admin token; this is ${describe(p)}`);
}

/** 403 unless the region token (or the admin token, which may do everything). */
export function requireRegion(p: Principal, action: string): void {
  if (p.kind !== "region" && p.kind !== "admin") throw new HttpError(403, "forbidden", `${action} needs the region token; this is ${describe(p)}`);
}

/** 403 unless the admin token or a deploy token of `app`. */
export function requireApp(p: Principal, app: string, action: string): void {
  if (p.kind === "admin" || (p.kind === "deploy" && p.app === app)) return;
  throw new HttpError(403, "forbidden", `${action} needs the admin token or a deploy token of app '${app}'; this is ${describe(p)}`);
}
