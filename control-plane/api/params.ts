// Path and query parameters of the API, checked: app and region names follow the config's rules (400
// naming the rule), an app must exist (404), artifact hashes are 64 hex digits, `?limit=` is 1-100.
import { APP_NAME, REGION_NAME } from "../../core/config/schema.ts";
import { badField } from "../http/body.ts";
import { HttpError, notFound } from "../http/errors.ts";
import { SHA256_RE } from "../../core/artifacts/parts.ts";
import type { AppRecord } from "../store/types.ts";
import type { ApiContext } from "./context.ts";

type Params = { params: Record<string, string> };

export { SHA256_RE } from "../../core/artifacts/parts.ts";

function param(request: Params, name: string): string {
  try {
    return decodeURIComponent(request.params[name] ?? "");
  } catch {
    throw new HttpError(400, "bad_request", `path parameter '${name}' is not valid percent-encoding`);
  }
}

export function appName(request: Params): string {
  const app = param(request, "app");
  if (!APP_NAME.re.test(app)) throw new HttpError(400, "bad_request", `app name '${app}' is not valid: ${APP_NAME.rule}`);
  return app;
}

export function checkRegionName(name: string, field: string = "region"): string {
  if (!REGION_NAME.re.test(name) || name.length > 63) throw new HttpError(400, "bad_request", `${field} '${name}' is not ${REGION_NAME.rule}, at most 63 characters`);
  return name;
}

export function existingApp(ctx: ApiContext, app: string): AppRecord {
  const rec = ctx.store.apps.get(app);
  if (!rec) throw notFound(`app '${app}' does not exist (upload a version first: POST /v1/apps/${app}/versions)`);
  return rec;
}

export function rawParam(request: Params, name: string): string {
  return param(request, name);
}

/** The `:sha256` path parameter: 64 lowercase hex digits, else 400 naming it. */
export function sha256Param(request: Params): string {
  const sha = param(request, "sha256");
  if (!SHA256_RE.test(sha)) throw badField("sha256", "must be 64 lowercase hex digits");
  return sha;
}

/** The `?limit=` query parameter: an integer from 1 to 100, `fallback` when absent, else 400 naming it. */
export function limitQuery(request: { query?: Record<string, unknown> }, fallback: number = 10): number {
  const raw = request.query?.limit;
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new HttpError(400, "invalid_limit", `query parameter 'limit' must be an integer from 1 to 100, got '${String(raw)}'`);
  return n;
}
