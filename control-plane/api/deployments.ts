// Routes for deployments: deploy a version set (one version, or two split by percent), roll back, show a
// deployment with per-region progress, list an app's deployments, and the regions' acks.
import type { IRequest } from "itty-router";
import { requireApp, requireRegion } from "../auth.ts";
import { badField, optionalIntField, readObject } from "../http/body.ts";
import { HttpError, json, notFound } from "../http/errors.ts";
import type { DeploymentRecord } from "../store/types.ts";
import type { PreparePhases } from "../../core/change-log.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { deploymentView } from "./deployment-view.ts";
import { checkConsumerConflicts } from "../events/consumers.ts";
import { appName, checkRegionName, existingApp, rawParam } from "./params.ts";

const BODY_LIMIT = 64 * 1024;

function parseVersions(value: unknown): { version: number; percent: number }[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > 2) throw badField("versions", "must be 1 or 2 items of {version, percent}");
  const out = value.map((item: unknown, i) => {
    if (typeof item !== "object" || item === null) throw badField(`versions[${i}]`, "must be an object {version, percent}");
    const o = item as Record<string, unknown>;
    if (typeof o.version !== "number" || !Number.isInteger(o.version) || o.version < 1) throw badField(`versions[${i}].version`, "must be an integer from 1");
    const percent = o.percent ?? (value.length === 1 ? 100 : undefined);
    if (typeof percent !== "number" || !Number.isInteger(percent) || percent < 1 || percent > 100) throw badField(`versions[${i}].percent`, "must be an integer from 1 to 100");
    return { version: o.version, percent };
  });
  if (out.reduce((n, v) => n + v.percent, 0) !== 100) throw badField("versions", "percents must sum to 100");
  if (out.length === 2 && out[0].version === out[1].version) throw badField("versions", "must name two different versions");
  return out;
}

async function start(ctx: ApiContext, app: string, versions: { version: number; percent: number }[], kind: DeploymentRecord["kind"], body: Record<string, unknown>): Promise<Response> {
  const deadlineMs = optionalIntField(body, "deadlineMs", 1, 600_000);
  checkConsumerConflicts(ctx.store, app, versions); // one consumer per queue: 409 (spec/events.md)
  if (body.wait !== undefined && typeof body.wait !== "boolean") throw badField("wait", "must be a boolean");
  const result = await ctx.deploys.deploy(app, versions, kind, deadlineMs);
  if (!result.ok) throw notFound(result.message);
  let d = result.deployment;
  if (body.wait === true) d = (await ctx.deploys.settled(d.id, d.deadlineAt - Date.now() + 1000)) ?? d;
  return json({ deployId: d.id, ...deploymentView(ctx, d) }, d.state === "preparing" ? 202 : 200);
}

export function deploymentRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.post("/v1/apps/:app/deployments", async (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "deploying");
    existingApp(ctx, app);
    const body = await readObject(request, BODY_LIMIT, "the deployment request");
    return start(ctx, app, parseVersions(body.versions), "deploy", body);
  });

  router.post("/v1/apps/:app/rollback", async (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "rolling back");
    const rec = existingApp(ctx, app);
    const body = await readObject(request, BODY_LIMIT, "the rollback request");
    if (body.version !== undefined) {
      const version = optionalIntField(body, "version", 1, Number.MAX_SAFE_INTEGER) as number;
      return start(ctx, app, [{ version, percent: 100 }], "rollback", body);
    }
    // No version named: go back to the version set active before the current one.
    const current = rec.deployment;
    const same = (d: DeploymentRecord) => JSON.stringify(d.versions) === JSON.stringify(current?.versions);
    const previous = ctx.store.deployments.forApp(app).find((d) => d.state === "active" && d.id !== current?.id && !same(d));
    if (!current || !previous) throw new HttpError(409, "nothing_to_roll_back", `app '${app}' has no earlier deployment to go back to; name one: {"version": n}`);
    return start(ctx, app, previous.versions.map(({ version, percent }) => ({ version, percent })), "rollback", body);
  });

  router.get("/v1/apps/:app/deployments", (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "listing deployments");
    existingApp(ctx, app);
    return json({ app, deployments: ctx.store.deployments.forApp(app, 20).map((d) => deploymentView(ctx, d)) });
  });

  router.get("/v1/deployments/:id", (request: IRequest) => {
    const principal = ctx.auth.authenticate(request);
    const d = ctx.store.deployments.get(rawParam(request, "id"));
    if (!d) throw notFound(`deployment '${rawParam(request, "id")}' does not exist`);
    if (principal.kind !== "region") requireApp(principal, d.app, "reading a deployment");
    return json(deploymentView(ctx, d));
  });

  router.post("/v1/deployments/:id/acks", async (request: IRequest) => {
    requireRegion(ctx.auth.authenticate(request), "acknowledging a deployment");
    const id = rawParam(request, "id");
    const body = await readObject(request, BODY_LIMIT, "the ack");
    if (typeof body.region !== "string") throw badField("region", "must be the region's name");
    const region = checkRegionName(body.region);
    if (typeof body.ok !== "boolean") throw badField("ok", "must be a boolean");
    if (body.error !== undefined && typeof body.error !== "string") throw badField("error", "must be a string");
    if (body.ms !== undefined && (typeof body.ms !== "number" || !(body.ms >= 0))) throw badField("ms", "must be a number of milliseconds");
    const ack: { ok: boolean; error?: string; ms?: number; phases?: PreparePhases } = { ok: body.ok };
    if (typeof body.error === "string") ack.error = body.error.slice(0, 2000);
    if (typeof body.ms === "number") ack.ms = body.ms;
    if (body.phases !== undefined) ack.phases = phasesField(body.phases);
    const d = await ctx.deploys.ack(id, region, ack);
    if (!d) throw notFound(`deployment '${id}' does not exist`);
    void ctx.store.regions.seen(region).catch(() => {});
    return json(deploymentView(ctx, d));
  });
}

/** An ack's `phases`: the region's prepare time per phase, each a number of milliseconds. */
function phasesField(value: unknown): PreparePhases {
  const o = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const phases = { fetchMs: o.fetchMs, verifyMs: o.verifyMs, compileMs: o.compileMs, warmMs: o.warmMs };
  for (const [k, v] of Object.entries(phases)) if (typeof v !== "number" || !(v >= 0)) throw badField(`phases.${k}`, "must be a number of milliseconds");
  if (o.aheadMs !== undefined && (typeof o.aheadMs !== "number" || !(o.aheadMs >= 0))) throw badField("phases.aheadMs", "must be a number of milliseconds");
  return (o.aheadMs === undefined ? phases : { ...phases, aheadMs: o.aheadMs }) as PreparePhases;
}
