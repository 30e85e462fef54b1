// Assertions on measured figures (the bench smoke tests): a real measurement, or a count.
import * as assert from "uvu/assert";

export function positive(what: string, x: unknown): void {
  assert.ok(typeof x === "number" && Number.isFinite(x) && x > 0, `${what} should be a finite positive number, got ${x}`);
}

export function count(what: string, x: unknown): void {
  assert.ok(typeof x === "number" && Number.isInteger(x) && x >= 0, `${what} should be a count ≥ 0, got ${x}`);
}
