// Numeric command-line flags of the benches: a value given as text, checked against a minimum, with
// an Error naming the flag when it is not a number (or not an integer) at or above it.

/** `raw` as a finite number ≥ `min`, or `fallback` when the flag was not given. */
export function numberFlag(raw: string | undefined, fallback: number, name: string, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${name} wants a number ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/** `raw` as an integer ≥ `min`, or `fallback` when the flag was not given. */
export function integerFlag(raw: string | undefined, fallback: number, name: string, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} wants an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}
