// Workload "fetch": awaits an outgoing fetch to the URL in `?upstream=` (a node:http server the bench runs
// on 127.0.0.1) and answers with its text; the same module for every system the peers bench runs.
export default {
  async fetch(request) {
    const upstream = new URL(request.url).searchParams.get("upstream");
    if (!upstream) return new Response("missing ?upstream=URL", { status: 400 });
    const res = await fetch(upstream);
    const text = await res.text();
    return new Response(text, { status: res.ok ? 200 : 502, headers: { "content-type": "text/plain" } });
  },
};
