// Workload "kv" (Outpost only: no peer here has a KV): reads three keys through the app's KV binding
// (env.STORE, bound by the bench's wrangler-like.toml) and answers them as JSON. The bench seeds the keys
// through the control plane's KV API before it deploys this app; a missing key answers 500.
const KEYS = ["user:42", "flags", "page:home"];

export default {
  async fetch(request, env) {
    const values = await Promise.all(KEYS.map((key) => env.STORE.get(key)));
    if (values.some((v) => v === null)) return new Response(`missing ${KEYS.filter((_, i) => values[i] === null).join(", ")}`, { status: 500 });
    return Response.json(Object.fromEntries(KEYS.map((key, i) => [key, values[i]])));
  },
};
