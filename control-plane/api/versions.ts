// Routes for versions: upload (msgpack `{manifest, component}`, sha256 checked against the manifest; or
// `{manifest}` alone for a component one of the app's versions already has), list an app's versions,
// show one with its manifest.
import { createHash } from "node:crypto";
import type { IRequest } from "itty-router";
import { requireApp } from "../auth.ts";
import { badField, bytesField, isMsgpack, readObject } from "../http/body.ts";
import { HttpError, json, notFound } from "../http/errors.ts";
import type { VersionRecord } from "../store/types.ts";
import type { Manifest } from "../../core/manifest.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { appName, existingApp, SHA256_RE } from "./params.ts";

function checkManifest(value: unknown, app: string): Manifest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw badField("manifest", "must be an object (the build's manifest.json)");
  const m = value as Record<string, unknown>;
  if (typeof m.sha256 !== "string" || !SHA256_RE.test(m.sha256)) throw badField("manifest.sha256", "must be 64 lowercase hex digits");
  if (m.name !== undefined && m.name !== app) throw badField("manifest.name", `is '${String(m.name)}' but the upload is for app '${app}'`);
  if (m.kvNamespaces !== undefined && !Array.isArray(m.kvNamespaces)) throw badField("manifest.kvNamespaces", "must be an array of {binding, id}");
  if (m.routes !== undefined && !Array.isArray(m.routes)) throw badField("manifest.routes", "must be an array");
  return m as unknown as Manifest;
}

function summary(v: VersionRecord, serving: Map<number, number>) {
  return { version: v.version, sha256: v.sha256, size: v.size, uploadedAt: v.uploadedAt, percent: serving.get(v.version) ?? 0 };
}

export function versionRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.post("/v1/apps/:app/versions", async (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "uploading a version");
    if (!isMsgpack(request)) {
      throw new HttpError(415, "unsupported_media_type", "upload a version as content-type: application/x-msgpack with {manifest, component: bytes}");
    }
    const body = await readObject(request, ctx.maxUploadBytes, "the version upload");
    const manifest = checkManifest(body.manifest, app);
    if (body.component === undefined) {
      // A new version of a component this app already has (a config-only change, or code back to an earlier state).
      const size = ctx.store.apps.reusedSize(app, manifest.sha256);
      if (size === null) {
        throw new HttpError(409, "component_needed", `app '${app}' has no version with component sha256 ${manifest.sha256}: upload it as {manifest, component}`);
      }
      if (typeof manifest.size === "number" && manifest.size !== size) throw new HttpError(422, "size_mismatch", `the component is ${size} bytes but manifest.size says ${manifest.size}`);
      const { record, created } = await ctx.store.apps.putVersion(app, manifest, size, manifest.sha256);
      return json({ app, version: record.version, sha256: record.sha256, size: record.size, created }, created ? 201 : 200);
    }
    const component = bytesField(body, "component");
    const sha256 = createHash("sha256").update(component).digest("hex");
    if (sha256 !== manifest.sha256) {
      throw new HttpError(422, "hash_mismatch", `the component's sha256 is ${sha256} but manifest.sha256 says ${manifest.sha256}: rebuild, or upload the matching component`);
    }
    if (typeof manifest.size === "number" && manifest.size !== component.length) {
      throw new HttpError(422, "size_mismatch", `the component is ${component.length} bytes but manifest.size says ${manifest.size}`);
    }
    const { record, created } = await ctx.store.apps.putVersion(app, manifest, component, sha256);
    return json({ app, version: record.version, sha256, size: record.size, created }, created ? 201 : 200);
  });

  router.get("/v1/apps/:app/versions", (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "listing versions");
    const rec = existingApp(ctx, app);
    const serving = new Map((rec.deployment?.versions ?? []).map((v) => [v.version, v.percent] as const));
    const versions = ctx.store.apps.versions(app).map((v) => summary(v, serving));
    return json({ app, versions, deployment: rec.deployment, pendingDeployId: rec.pendingDeployId });
  });

  router.get("/v1/apps/:app/versions/:version", (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "reading a version");
    existingApp(ctx, app);
    const n = Number(request.params.version);
    const v = Number.isInteger(n) ? ctx.store.apps.version(app, n) : undefined;
    if (!v) throw notFound(`app '${app}' has no version ${request.params.version}`);
    return json(v);
  });
}
