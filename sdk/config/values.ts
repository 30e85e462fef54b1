// What kind of TOML value something is, as smol-toml returns it (tables, arrays, scalars and Temporal
// dates/times), and the two ways config code uses that: as plain JSON-like data, and in "got ..." text.

/** A TOML table. smol-toml returns null-prototype objects; Temporal values are not tables. */
export function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && temporalKind(v) === null;
}

/** `"PlainDate"`, `"ZonedDateTime"`, ... for a Temporal value (how smol-toml returns TOML dates), else null. */
export function temporalKind(v: unknown): string | null {
  if (typeof v !== "object" || v === null) return null;
  const tag: unknown = (v as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag];
  return typeof tag === "string" && tag.startsWith("Temporal.") ? tag.slice("Temporal.".length) : null;
}

/** Converts a TOML value to JSON-like data: plain objects, and dates/times as their TOML text. */
export function toPlain(value: unknown): unknown {
  if (temporalKind(value) !== null) return String(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  return value;
}

/** Renders a bad value for the `got ...` tail of a message: strings quoted, tables/arrays by kind. */
export function describeValue(value: unknown): string {
  if (typeof value === "string") {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (temporalKind(value) !== null) return `the TOML date/time ${String(value)}`;
  if (Array.isArray(value)) return "an array";
  if (value === null || value === undefined) return "nothing";
  return "a table";
}
