// The example app `npm start` serves: a Workers-style fetch handler with a few routes that show
// vars, secrets, request bodies, outgoing fetch and waitUntil.
import type { Worker } from "outpost";

interface Env {
  GREETING: string;
  FEATURES: { echo: boolean };
  API_TOKEN?: string;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    ctx.waitUntil(Promise.resolve());
    switch (url.pathname) {
      case "/echo":
        if (!env.FEATURES.echo) return new Response("echo is off", { status: 404 });
        return new Response(request.body, {
          status: request.method === "POST" ? 201 : 200,
          headers: { "content-type": request.headers.get("content-type") ?? "application/octet-stream" },
        });
      case "/secret":
        return Response.json({ configured: typeof env.API_TOKEN === "string" });
      default:
        return Response.json({ path: url.pathname, greeting: env.GREETING });
    }
  },
} satisfies Worker<Env>;
