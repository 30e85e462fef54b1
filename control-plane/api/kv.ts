// Routes for KV on the primary: put (msgpack `{value, metadata?, expiration?, expirationTtl?}`, or a raw
// body with those as query parameters), get, delete, list. Regions and the admin may use any namespace; a
// deploy token only the namespaces named in its app's manifests (`kvNamespaces[].id`).
import type { IRequest } from "itty-router";
import { pack } from "msgpackr";
import type { Principal } from "../auth.ts";
import { isMsgpack, readBytes, readObject } from "../http/body.ts";
import { HttpError, json, notFound } from "../http/errors.ts";
import { decodeMetadata, KV_LIMITS, preparePut, validateKey, validateNamespace } from "../../core/kv/semantics.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { rawParam } from "./params.ts";

const ENVELOPE = 64 * 1024;

function mayUse(ctx: ApiContext, p: Principal, namespace: string): void {
  if (p.kind !== "deploy") return;
  const allowed = ctx.store.apps.kvNamespaces(p.app);
  if (!allowed.has(namespace)) {
    const list = allowed.size ? [...allowed].join(", ") : "none";
    throw new HttpError(403, "forbidden", `a deploy token of app '${p.app}' may only use the KV namespaces in its manifests' kvNamespaces (${list}), not '${namespace}'`);
  }
}

function target(ctx: ApiContext, request: IRequest): { namespace: string; key: string } {
  const p = ctx.auth.authenticate(request);
  const namespace = validateNamespace(rawParam(request, "namespace"));
  mayUse(ctx, p, namespace);
  return { namespace, key: validateKey(rawParam(request, "key")) };
}

function metadataParam(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, "invalid_metadata", "query parameter 'metadata' must be JSON");
  }
}

export function kvRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.put("/v1/kv/:namespace/:key+", async (request: IRequest) => {
    const { namespace, key } = target(ctx, request);
    let value: unknown;
    let options: { metadata?: unknown; expiration?: unknown; expirationTtl?: unknown };
    if (isMsgpack(request)) {
      const body = await readObject(request, KV_LIMITS.valueBytes + ENVELOPE, "the KV write (values are limited to 25 MiB)");
      value = body.value;
      options = { metadata: body.metadata, expiration: body.expiration, expirationTtl: body.expirationTtl };
    } else {
      value = await readBytes(request, KV_LIMITS.valueBytes, "the value (the KV value size limit is 25 MiB)");
      const q = request.query as Record<string, string | undefined>;
      options = { metadata: metadataParam(q.metadata), expiration: q.expiration, expirationTtl: q.expirationTtl };
    }
    const write = preparePut(key, value, options, Date.now());
    const seq = await ctx.store.kv.put(namespace, write);
    return json({ seq, ...(write.expiration !== undefined ? { expiration: write.expiration } : {}) });
  });

  router.get("/v1/kv/:namespace/:key+", (request: IRequest) => {
    const { namespace, key } = target(ctx, request);
    const entry = ctx.store.kv.get(namespace, key);
    if (!entry) throw notFound(`key '${key}' is not in namespace '${namespace}'`);
    if ((request.headers.get("accept") ?? "").includes("msgpack")) {
      const body = { key, value: entry.value, metadata: decodeMetadata(entry.metadata), expiration: entry.expiration ?? null, seq: entry.seq };
      return new Response(pack(body) as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/x-msgpack" } });
    }
    const headers: Record<string, string> = { "content-type": "application/octet-stream", "x-outpost-kv-seq": String(entry.seq) };
    if (entry.expiration !== undefined) headers["x-outpost-kv-expiration"] = String(entry.expiration);
    if (entry.metadata !== undefined) headers["x-outpost-kv-metadata"] = encodeURIComponent(entry.metadata);
    return new Response(entry.value as Uint8Array<ArrayBuffer>, { headers });
  });

  router.delete("/v1/kv/:namespace/:key+", async (request: IRequest) => {
    const { namespace, key } = target(ctx, request);
    return json({ seq: await ctx.store.kv.delete(namespace, key) });
  });

  router.get("/v1/kv/:namespace", (request: IRequest) => {
    const p = ctx.auth.authenticate(request);
    const namespace = validateNamespace(rawParam(request, "namespace"));
    mayUse(ctx, p, namespace);
    const q = request.query as Record<string, string | undefined>;
    return json(ctx.store.kv.list(namespace, { prefix: q.prefix, cursor: q.cursor, limit: q.limit }));
  });
}
