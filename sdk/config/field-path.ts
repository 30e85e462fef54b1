// The dotted field path that names a place in the config (`kv_namespaces[1].binding`), and its text form.

/** One step into the document: a table key or an array index. */
export type PathSegment = string | number;
export type FieldPath = readonly PathSegment[];

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** Formats a path the way error messages show it: `env.staging.limits.cpu_ms`, `routes[0]`, `vars."a.b"`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") {
      out += `[${seg}]`;
      continue;
    }
    const key = BARE_KEY.test(seg) ? seg : JSON.stringify(seg);
    out += out === "" ? key : `.${key}`;
  }
  return out;
}
