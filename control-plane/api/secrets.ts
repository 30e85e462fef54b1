// Routes for an app's secrets (Workers-style): `PUT /v1/apps/:app/secrets/:name` with `{value}` sets one,
// `DELETE` removes it, `GET /v1/apps/:app/secrets` lists names and times only. Admin token or the app's
// deploy token. Values are never answered, listed or logged; they reach regions through the log.
import type { IRequest } from "itty-router";
import { requireApp } from "../auth.ts";
import { readObject } from "../http/body.ts";
import { HttpError, json, notFound } from "../http/errors.ts";
import { BINDING_NAME } from "../../core/config/schema.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { appName, existingApp, rawParam } from "./params.ts";

export const SECRET_LIMITS = {
  /** Workers' limit on one secret's value (UTF-8 bytes). */
  valueBytes: 5 * 1024,
  nameLength: 256,
} as const;

/** The `:name` path parameter: an env-var-like identifier, else 400 naming the field. */
export function secretName(request: IRequest): string {
  const name = rawParam(request, "name");
  if (!BINDING_NAME.re.test(name) || name.length > SECRET_LIMITS.nameLength) {
    throw new HttpError(400, "invalid_secret_name", `field 'name': '${name.slice(0, 80)}' is not a secret name: ${BINDING_NAME.rule}, at most ${SECRET_LIMITS.nameLength} characters`);
  }
  return name;
}

/** The `value` field of the body: a string of at most 5 KiB, else 400 naming the field and the limit. */
export function secretValue(body: Record<string, unknown>): string {
  const value = body.value;
  if (typeof value !== "string") throw new HttpError(400, "invalid_secret_value", "field 'value' must be a string (the secret's value)");
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > SECRET_LIMITS.valueBytes) {
    throw new HttpError(400, "invalid_secret_value", `field 'value' is ${bytes} bytes, over the limit of ${SECRET_LIMITS.valueBytes} bytes (5 KiB) for a secret`);
  }
  return value;
}

/** The PUT body; a malformed one is a 400 that does not quote it (the parser's message would show the value). */
async function secretBody(request: IRequest): Promise<Record<string, unknown>> {
  try {
    return await readObject(request, 64 * 1024, "the secret");
  } catch (e) {
    if (e instanceof HttpError && e.code === "bad_request") throw new HttpError(400, "bad_request", "the body is not a valid JSON or msgpack object: send {\"value\": \"<the secret>\"}");
    throw e;
  }
}

export function secretRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.get("/v1/apps/:app/secrets", (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "listing secrets");
    existingApp(ctx, app);
    return json({ app, secrets: ctx.store.secrets.list(app) });
  });

  router.put("/v1/apps/:app/secrets/:name", async (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "setting a secret");
    const name = secretName(request);
    const value = secretValue(await secretBody(request));
    const { created, ...summary } = await ctx.store.secrets.put(app, name, value);
    return json({ app, ...summary, created }, created ? 201 : 200);
  });

  router.delete("/v1/apps/:app/secrets/:name", async (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "deleting a secret");
    existingApp(ctx, app);
    const name = secretName(request);
    const seq = await ctx.store.secrets.delete(app, name);
    if (seq === null) throw notFound(`app '${app}' has no secret '${name}'`);
    return json({ app, name, deleted: true, seq });
  });
}
