// Routes for apps: create a deploy token (admin; creates the app record), revoke them, list apps, show
// one, delete one (appends `app.delete`).
import type { IRequest } from "itty-router";
import { newDeployToken, requireAdmin, requireApp } from "../auth.ts";
import { json } from "../http/errors.ts";
import type { ApiContext, ApiRouter } from "./context.ts";
import { appName, existingApp } from "./params.ts";

export function appRoutes(router: ApiRouter, ctx: ApiContext): void {
  router.post("/v1/apps/:app/tokens", async (request: IRequest) => {
    const app = appName(request);
    requireAdmin(ctx.auth.authenticate(request), "creating a deploy token");
    const { token, digest } = newDeployToken();
    await ctx.store.apps.addTokenDigest(app, digest);
    return json({ app, token, note: "shown once: only its SHA-256 digest is stored" }, 201);
  });

  router.delete("/v1/apps/:app/tokens", async (request: IRequest) => {
    const app = appName(request);
    requireAdmin(ctx.auth.authenticate(request), "revoking deploy tokens");
    existingApp(ctx, app);
    return json({ app, revoked: await ctx.store.apps.revokeTokens(app) });
  });

  router.get("/v1/apps", (request: IRequest) => {
    requireAdmin(ctx.auth.authenticate(request), "listing apps");
    return json({
      apps: ctx.store.apps.list().map((a) => ({ name: a.name, lastVersion: a.lastVersion, deployment: a.deployment, pendingDeployId: a.pendingDeployId })),
    });
  });

  router.get("/v1/apps/:app", (request: IRequest) => {
    const app = appName(request);
    requireApp(ctx.auth.authenticate(request), app, "reading an app");
    const a = existingApp(ctx, app);
    return json({ name: a.name, createdAt: a.createdAt, lastVersion: a.lastVersion, deployment: a.deployment, pendingDeployId: a.pendingDeployId });
  });

  router.delete("/v1/apps/:app", async (request: IRequest) => {
    const app = appName(request);
    requireAdmin(ctx.auth.authenticate(request), "deleting an app");
    existingApp(ctx, app);
    const seq = await ctx.store.apps.delete(app);
    return json({ app, deleted: seq !== null, seq });
  });
}
