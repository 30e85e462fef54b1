// Host side of outpost:edge/url-pattern (spec/world.md): the guest engine has no URLPattern, so the guest's
// (sdk/guest/web/urlpattern.ts) is answered by Node's, whose ada-url implementation workerd uses too. A
// guest compiles a pattern by the JSON of its constructor's arguments once and then tests and execs it by
// handle (handles.ts); compiled patterns are kept for the whole thread in an LRU cache by that JSON.
import { LRUCache } from "lru-cache";
import { decode, encode } from "../../core/wire-json.ts";
import { Handles } from "./handles.ts";
import { checkSize, hostCall } from "./intl.ts";

const COMPONENTS = ["protocol", "username", "password", "hostname", "port", "pathname", "search", "hash"] as const;

/** For the thread: 500 patterns, keys of 8 Mi characters at most. */
const patterns = new LRUCache<string, URLPattern>({ max: 500, maxSize: 8 << 20, sizeCalculation: (_p, key) => key.length + 1 });

/** How many compiled patterns the thread keeps now (for tests). */
export const cachedPatterns = () => patterns.size;

const list = (json: string) => {
  const value = decode(json);
  return (Array.isArray(value) ? value : []) as [];
};

function compiled(json: string): URLPattern {
  let p = patterns.get(json);
  if (!p) {
    p = new URLPattern(...(list(json) as ConstructorParameters<typeof URLPattern>));
    patterns.set(json, p);
  }
  return p;
}

/** The outpost:edge/url-pattern functions for one instance (its handles are its own). */
export function urlPatternImports() {
  const handles = new Handles();
  const pattern = (handle: number) => compiled(handles.key(handle));
  return {
    /** url-pattern.compile: {handle, parts: JSON {protocol, ..., hash, hasRegExpGroups}}. */
    compile(json: string): { handle: number; parts: string } {
      return hostCall(() => {
        checkSize("URLPattern", json.length);
        const p = compiled(json);
        const parts: Record<string, unknown> = {};
        for (const c of COMPONENTS) parts[c] = p[c];
        parts.hasRegExpGroups = p.hasRegExpGroups;
        return { handle: handles.handle(json), parts: JSON.stringify(parts) };
      });
    },
    /** url-pattern.exec: JSON of the URLPatternResult, or undefined (none) when `input` does not match. */
    exec(handle: number, input: string): string | undefined {
      return hostCall(() => {
        checkSize("URLPattern.exec", input.length);
        const result = pattern(handle).exec(...(list(input) as Parameters<URLPattern["exec"]>));
        return result ? encode(result) : undefined;
      });
    },
    /** url-pattern.test. */
    test(handle: number, input: string): boolean {
      return hostCall(() => {
        checkSize("URLPattern.test", input.length);
        return pattern(handle).test(...(list(input) as Parameters<URLPattern["test"]>));
      });
    },
  };
}
