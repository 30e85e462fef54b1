// The JSON that the guest's Intl and URLPattern wrappers (sdk/guest/web) and the host (runtime/host/intl.ts,
// url-pattern.ts) exchange through outpost:edge/intl and outpost:edge/url-pattern: plain JSON, plus a tagged
// form for the values JSON cannot spell (undefined, NaN, ±Infinity, -0, bigint, symbol), so the host's V8
// sees the argument the app passed and throws, or answers, as it would. Bundled into the guest: no imports.

/** The key of a tagged value: `{"\u0000": tag, "v"?: text}`; no real option or argument uses it alone. */
const TAG = "\u0000";

type Tagged = { [TAG]: string; v?: string };

function tag(value: unknown): Tagged | undefined {
  switch (typeof value) {
    case "undefined": return { [TAG]: "u" };
    case "bigint": return { [TAG]: "b", v: value.toString() };
    case "symbol": return { [TAG]: "s", v: value.description ?? "" };
    case "number":
      if (Number.isFinite(value) && !Object.is(value, -0)) return undefined;
      return { [TAG]: "n", v: Object.is(value, -0) ? "-0" : String(value) };
    default: return undefined;
  }
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  return tag(value) ?? value;
}

/** True when JSON.stringify alone keeps `value` as it is (the hot path: strings and ordinary numbers). */
export function plain(value: unknown): boolean {
  const t = typeof value;
  return t === "string" || (t === "number" && Number.isFinite(value) && (value !== 0 || 1 / (value as number) > 0)) || t === "boolean" || value === null;
}

/** JSON text of `value`, tagging what JSON cannot spell at any depth. */
export function encode(value: unknown): string {
  if (Array.isArray(value)) {
    let i = 0;
    while (i < value.length && plain(value[i])) i++;
    if (i === value.length) return JSON.stringify(value);
  } else if (plain(value)) {
    return JSON.stringify(value);
  }
  return JSON.stringify(value, replacer) ?? '{"\\u0000":"u"}';
}

function untag(t: Tagged): unknown {
  switch (t[TAG]) {
    case "u": return undefined;
    case "b": return BigInt(t.v ?? "0");
    case "s": return Symbol(t.v);
    case "n": return Number(t.v);
    default: return t;
  }
}

/** Exactly the shape tag() makes (so an object that merely has a U+0000 key, with others, stays an object). */
function isTagged(value: object): value is Tagged {
  if (!(TAG in value)) return false;
  const t = value as Tagged;
  const keys = Object.keys(value).length;
  return t[TAG] === "u" ? keys === 1 : keys === 2 && typeof t.v === "string" && (t[TAG] === "n" || t[TAG] === "b" || t[TAG] === "s");
}

function reviver(this: unknown, _key: string, value: unknown): unknown {
  return value !== null && typeof value === "object" && isTagged(value) ? untag(value) : value;
}

/**
 * The value `encode` was given. Symbols come back as new symbols with the same description; an undefined
 * array element comes back as a hole and an undefined property as a missing one, which read the same.
 */
export function decode(text: string): unknown {
  // JSON.stringify always escapes U+0000, so text without that escape holds no tagged value.
  return text.includes("\\u0000") ? JSON.parse(text, reviver) : JSON.parse(text);
}
