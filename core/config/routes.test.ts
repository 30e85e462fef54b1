// Tests for route patterns: parsing, host/path matching with wildcards and ports, and specificity.

import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_ROUTE, findRoute, matchRoute, normalizeHost, parseRoutePattern, routeMatches } from "./routes.ts";
import type { Route } from "./routes.ts";

function route(pattern: string): Route {
  const parsed = parseRoutePattern(pattern);
  if ("error" in parsed) throw new Error(`${pattern}: ${parsed.error}`);
  return parsed.route;
}

function parseError(pattern: string): string {
  const parsed = parseRoutePattern(pattern);
  if ("route" in parsed) throw new Error(`${pattern} should not parse`);
  return parsed.error;
}

test("parse: host, wildcard host, prefix and exact paths", () => {
  assert.equal(route("example.com/api/*"), {
    pattern: "example.com/api/*",
    host: "example.com",
    hostWildcard: false,
    pathPrefix: "/api/",
    pathExact: false,
    zoneName: null,
  });
  assert.equal(route("*.Example.com/*"), { ...route("x.com/*"), pattern: "*.Example.com/*", host: "example.com", hostWildcard: true });
  assert.equal(route("/health"), { ...DEFAULT_ROUTE, pattern: "/health", pathPrefix: "/health", pathExact: true });
  assert.is(route("*/x*").host, null);
  assert.is(route("https://example.com:8443/*").host, "example.com");
  const zoned = parseRoutePattern("a.com/*", "a.com");
  assert.ok("route" in zoned && zoned.route.zoneName === "a.com");
});

test("parse: rejects malformed patterns", () => {
  assert.match(parseError("example.com"), /needs a path/);
  assert.match(parseError("ex ample.com/*"), /spaces/);
  assert.match(parseError("a.*.com/*"), /not a valid host/);
  assert.match(parseError("a.com/x*/y"), /only appear at the end/);
  assert.match(parseError("a.com/x?y=1"), /query/);
  assert.match(parseError(""), /empty/);
});

test("host: case-insensitive, port ignored, trailing dot ignored", () => {
  const r = route("example.com/*");
  assert.ok(routeMatches(r, "EXAMPLE.com", "/"));
  assert.ok(routeMatches(r, "example.com:8080", "/a"));
  assert.ok(routeMatches(r, "example.com.", "/a"));
  assert.not.ok(routeMatches(r, "www.example.com", "/"));
  assert.not.ok(routeMatches(r, "example.org", "/"));
  assert.is(normalizeHost("[::1]:8787"), "[::1]");
  assert.is(normalizeHost("Localhost:3000"), "localhost");
});

test("host wildcard: subdomains at any depth, not the apex or look-alikes", () => {
  const r = route("*.example.com/*");
  assert.ok(routeMatches(r, "a.example.com", "/"));
  assert.ok(routeMatches(r, "a.b.example.com:443", "/x"));
  assert.not.ok(routeMatches(r, "example.com", "/"));
  assert.not.ok(routeMatches(r, "badexample.com", "/"));
});

test("no host: any host matches", () => {
  assert.ok(routeMatches(route("/api/*"), "anything.test:1234", "/api/v1"));
  assert.ok(routeMatches(DEFAULT_ROUTE, "localhost:8787", "/"));
  assert.ok(routeMatches(DEFAULT_ROUTE, "localhost", ""));
});

test("path prefix: /api/* matches /api, /api/ and below, not /apix", () => {
  const r = route("example.com/api/*");
  for (const p of ["/api", "/api/", "/api/users", "/api/users/1?x=2"]) assert.ok(routeMatches(r, "example.com", p), p);
  for (const p of ["/apix", "/", "/v1/api"]) assert.not.ok(routeMatches(r, "example.com", p), p);
  const bare = route("example.com/api*");
  assert.ok(routeMatches(bare, "example.com", "/apix"));
});

test("exact path: no wildcard means the path must be equal (query ignored)", () => {
  const r = route("example.com/login");
  assert.ok(routeMatches(r, "example.com", "/login"));
  assert.ok(routeMatches(r, "example.com", "/login?next=/"));
  assert.not.ok(routeMatches(r, "example.com", "/login/"));
  assert.not.ok(routeMatches(r, "example.com", "/Login"));
});

test("matchRoute: any of the routes", () => {
  const routes = [route("a.com/api/*"), route("*.b.com/*")];
  assert.ok(matchRoute(routes, "a.com", "/api/x"));
  assert.ok(matchRoute(routes, "x.b.com", "/"));
  assert.not.ok(matchRoute(routes, "a.com", "/"));
  assert.not.ok(matchRoute([], "a.com", "/"));
});

test("findRoute: the most specific match wins", () => {
  const any = route("/*");
  const wild = route("*.a.com/*");
  const host = route("x.a.com/*");
  const api = route("x.a.com/api/*");
  const exact = route("x.a.com/api/health");
  const routes = [any, wild, host, api, exact];
  assert.is(findRoute(routes, "x.a.com", "/api/health"), exact);
  assert.is(findRoute(routes, "x.a.com", "/api/users"), api);
  assert.is(findRoute(routes, "x.a.com", "/"), host);
  assert.is(findRoute(routes, "y.a.com", "/"), wild);
  assert.is(findRoute(routes, "other.com", "/"), any);
  assert.is(findRoute([host], "other.com", "/"), null);
});

test.run();
