// Which app answers a request: every app's routes in one table, most specific pattern first
// (exact host over wildcard host over any host, then longer paths, exact before prefix).
import { compareSpecificity, routeMatches, type Route } from "./routes.ts";

export class RouteTable {
  #entries: Array<{ route: Route; app: string }> = [];

  /** Replaces the routes of `app`. */
  set(app: string, routes: readonly Route[]): void {
    this.#entries = this.#entries.filter((e) => e.app !== app);
    for (const route of routes) this.#entries.push({ route, app });
    this.#entries.sort((a, b) => compareSpecificity(b.route, a.route));
  }

  delete(app: string): void {
    this.#entries = this.#entries.filter((e) => e.app !== app);
  }

  match(host: string, path: string): string | null {
    for (const e of this.#entries) if (routeMatches(e.route, host, path)) return e.app;
    return null;
  }

  get size(): number { return this.#entries.length; }
}
