// Route patterns (`*.example.com/api/*`): parsing one into its resolved form, and matching requests to routes.
//
// A pattern is `[scheme://][host]path`. The host may start with `*.` (any subdomain, not the apex) or be `*`
// or left out (any host); a port in it is ignored. The path starts with `/`; a trailing `*` makes it a
// prefix (`/api/*` matches `/api`, `/api/` and `/api/x/y`); without one the path must match exactly.
// Hosts compare case-insensitively, paths case-sensitively; query strings are ignored.

export type Route = {
  /** The pattern as written in the config. */
  pattern: string;
  /** Lowercase host without `*.` or port; null means any host. */
  host: string | null;
  /** True for `*.host`: matches any subdomain of `host`, but not `host` itself. */
  hostWildcard: boolean;
  /** The path with any trailing `*` removed. */
  pathPrefix: string;
  /** True when the pattern had no trailing `*`: the request path must equal `pathPrefix`. */
  pathExact: boolean;
  /** `zone_name` from a table route, else null. Informational. */
  zoneName: string | null;
};

/** The route used when a config declares none: every request, on any host, goes to the app. */
export const DEFAULT_ROUTE: Route = Object.freeze({
  pattern: "/*",
  host: null,
  hostWildcard: false,
  pathPrefix: "/",
  pathExact: false,
  zoneName: null,
});

export type ParsedRoute = { route: Route } | { error: string };

const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function parseRoutePattern(pattern: string, zoneName: string | null = null): ParsedRoute {
  if (pattern === "") return { error: "must not be empty" };
  if (/\s/.test(pattern)) return { error: "must not contain spaces" };
  const rest = pattern.replace(/^https?:\/\//i, "");
  const slash = rest.indexOf("/");
  if (slash === -1) return { error: `needs a path after the host, e.g. "${rest}/*"` };
  let hostPart = rest.slice(0, slash).toLowerCase().replace(/:\d+$/, "");
  const path = rest.slice(slash);
  let host: string | null = null;
  let hostWildcard = false;
  if (hostPart !== "" && hostPart !== "*") {
    if (hostPart.startsWith("*.")) {
      hostWildcard = true;
      hostPart = hostPart.slice(2);
    }
    if (!HOST.test(hostPart)) {
      return { error: `host "${rest.slice(0, slash)}" is not a valid host name (a wildcard may only be a leading "*.")` };
    }
    host = hostPart;
  }
  if (/[?#]/.test(path)) return { error: "must not contain a query string or fragment" };
  const star = path.indexOf("*");
  if (star !== -1 && star !== path.length - 1) return { error: `"*" may only appear at the end of the path` };
  const pathExact = star === -1;
  const pathPrefix = pathExact ? path : path.slice(0, -1);
  return { route: { pattern, host, hostWildcard, pathPrefix, pathExact, zoneName } };
}

/** Lowercases a request host and drops its port and any trailing dot (`Example.COM.:8080` → `example.com`). */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const close = h.indexOf("]");
    h = close === -1 ? h : h.slice(0, close + 1);
  } else if (h.split(":").length === 2) {
    h = h.slice(0, h.indexOf(":"));
  }
  return h.endsWith(".") ? h.slice(0, -1) : h;
}

function normalizePath(path: string): string {
  const cut = path.search(/[?#]/);
  const p = cut === -1 ? path : path.slice(0, cut);
  return p === "" ? "/" : p;
}

function hostMatches(route: Route, host: string): boolean {
  if (route.host === null) return true;
  if (route.hostWildcard) return host.endsWith(`.${route.host}`);
  return host === route.host;
}

function pathMatches(route: Route, path: string): boolean {
  const prefix = route.pathPrefix;
  if (route.pathExact) return path === prefix;
  if (path.startsWith(prefix)) return true;
  return prefix.length > 1 && prefix.endsWith("/") && path === prefix.slice(0, -1);
}

/** Whether one route matches a request's Host header value and path. */
export function routeMatches(route: Route, host: string, path: string): boolean {
  return hostMatches(route, normalizeHost(host)) && pathMatches(route, normalizePath(path));
}

/** Whether any of the routes matches the request. */
export function matchRoute(routes: readonly Route[], host: string, path: string): boolean {
  return routes.some((route) => routeMatches(route, host, path));
}

/**
 * The most specific matching route, or null. More specific means, in order: an exact host over a
 * wildcard host over any host (longer wildcard hosts first), then an exact path, then a longer prefix.
 */
export function findRoute(routes: readonly Route[], host: string, path: string): Route | null {
  let best: Route | null = null;
  for (const route of routes) {
    if (!routeMatches(route, host, path)) continue;
    if (best === null || compareSpecificity(route, best) > 0) best = route;
  }
  return best;
}

/** Positive when `a` is more specific than `b`. */
export function compareSpecificity(a: Route, b: Route): number {
  const hostRank = (r: Route) => (r.host === null ? 0 : r.hostWildcard ? 1 : 2);
  return (
    hostRank(a) - hostRank(b) ||
    (a.host?.length ?? 0) - (b.host?.length ?? 0) ||
    Number(a.pathExact) - Number(b.pathExact) ||
    a.pathPrefix.length - b.pathPrefix.length
  );
}
