// Routes for regions: register (or refresh), report progress, and the admin's status view (regions with
// connection, applied seq and lag; apps with what they serve); plus artifact downloads for replicas (whole,
// or as a parts file plus the chunks a replica lacks: core/artifacts/parts.ts).
import type { IRequest } from "itty-router";
import { PARTS_MEDIA_TYPE } from "../../core/artifacts/parts.ts";
import { requireAdmin, requireRegion } from "../auth.ts";
import { badField, readObject } from "../http/body.ts";
import { json, notFound } from "../http/errors.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { checkRegionName, rawParam, sha256Param } from "./params.ts";

const BODY_LIMIT = 16 * 1024;

function checkUrl(value: unknown): string {
  if (typeof value !== "string") throw badField("url", "must be the region's base URL, e.g. http://127.0.0.1:8787");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badField("url", `is not a URL: '${value}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw badField("url", "must be http: or https:");
  return url.origin;
}

export function regionRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.post("/v1/regions", async (request: IRequest) => {
    requireRegion(ctx.auth.authenticate(request), "registering a region");
    const body = await readObject(request, BODY_LIMIT, "the region registration");
    if (typeof body.name !== "string") throw badField("name", "must be the region's name");
    const name = checkRegionName(body.name, "name");
    const rec = await ctx.store.regions.register(name, checkUrl(body.url));
    return json({ ...rec, head: ctx.store.head() });
  });

  router.post("/v1/regions/:name/progress", async (request: IRequest) => {
    requireRegion(ctx.auth.authenticate(request), "reporting progress");
    const name = checkRegionName(rawParam(request, "name"), "name");
    const body = await readObject(request, BODY_LIMIT, "the progress report");
    const applied = body.appliedSeq;
    if (typeof applied !== "number" || !Number.isInteger(applied) || applied < 0) throw badField("appliedSeq", "must be an integer from 0");
    const rec = await ctx.store.regions.progress(name, applied);
    if (!rec) throw notFound(`region '${name}' is not registered: POST /v1/regions {name, url} first`);
    await ctx.deploys.progress(name, rec.appliedSeq);
    return json({ ...rec, head: ctx.store.head(), lag: Math.max(0, ctx.store.head() - rec.appliedSeq) });
  });

  router.get("/v1/status", (request: IRequest) => {
    requireAdmin(ctx.auth.authenticate(request), "reading the status");
    const head = ctx.store.head();
    const regions = ctx.store.regions.list().map((r) => ({
      name: r.name,
      url: r.url,
      connected: ctx.live.isLive(r.name),
      appliedSeq: r.appliedSeq,
      lag: Math.max(0, head - r.appliedSeq),
      lastSeen: r.lastSeen,
      registeredAt: r.registeredAt,
    }));
    const apps = ctx.store.apps.list().map((a) => ({
      name: a.name,
      lastVersion: a.lastVersion,
      deployment: a.deployment,
      pendingDeployId: a.pendingDeployId,
      tokens: a.tokenDigests.length,
    }));
    return json({ head, regions, apps });
  });

  router.get("/v1/artifacts/:sha256", (request: IRequest) => {
    requireRegion(ctx.auth.authenticate(request), "downloading an artifact");
    const sha = sha256Param(request);
    // `?parts=1`: a region that keeps chunks asks for the parts file, then only the chunks it lacks.
    const parts = new URL(request.url).searchParams.get("parts") === "1" ? ctx.store.apps.artifactParts(sha) : undefined;
    const bytes = parts ?? ctx.store.apps.artifact(sha);
    if (!bytes) throw notFound(`no artifact with sha256 ${sha}`);
    return bytesResponse(bytes, parts ? PARTS_MEDIA_TYPE : "application/wasm", { "x-outpost-sha256": sha });
  });

  router.get("/v1/chunks/:sha256", (request: IRequest) => {
    requireRegion(ctx.auth.authenticate(request), "downloading an artifact chunk");
    const sha = sha256Param(request);
    const bytes = ctx.store.apps.artifactChunk(sha);
    if (!bytes) throw notFound(`no artifact chunk with sha256 ${sha}`);
    return bytesResponse(bytes, "application/octet-stream", { "x-outpost-sha256": sha });
  });
}

/** A stream of the one Buffer, not `new Response(bytes)`, which copies a byte-array body (13 MB). */
function bytesResponse(bytes: Buffer, type: string, headers: Record<string, string>): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": type, "content-length": String(bytes.length), ...headers } });
}
