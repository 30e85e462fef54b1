// Workload "transform": parses a ~10 KB JSON POST body, maps over its `items` array and answers with the
// re-serialised result; the same module for every system the peers bench runs.
export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("POST a JSON body with an items array", { status: 405 });
    const { items } = await request.json();
    const out = items.map((it) => ({
      id: it.id,
      name: it.name.toUpperCase(),
      total: Math.round(it.price * it.qty * 100) / 100,
      tags: it.tags.length,
    }));
    const sum = Math.round(out.reduce((s, it) => s + it.total, 0) * 100) / 100;
    return Response.json({ count: out.length, sum, items: out });
  },
};
