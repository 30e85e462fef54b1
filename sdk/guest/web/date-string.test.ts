// The Date#toString fix (./date-string.ts) under Node in UTC, whose V8 is the reference: over a stand-in
// for the engine's natives (V8's text with the zone named "(UTC)", as StarlingMonkey prints it), the fixed
// methods give V8's text exactly; Node's natives are left in place.
process.env.TZ = "UTC";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { installDateString, v8ZoneName, zoneNamed } from "./date-string.ts";

const v8 = { toString: Date.prototype.toString, toTimeString: Date.prototype.toTimeString };
const engineLike = (native: (this: Date) => string) => function (this: Date): string { return native.call(this).replace(/ \(Coordinated Universal Time\)$/, " (UTC)"); };
const fixed = zoneNamed(engineLike(v8.toString), engineLike(v8.toTimeString));

// The epoch, a leap day, years 0999, -0001, 0001, 10000 and the limits of the Date range.
const TIMES = [0, 1709214330123, -30610224000001, -62198755200000, -62135596800000, 253402300800000, 8.64e15, -8.64e15, NaN];

test("Node runs in UTC here, and the stand-in prints the engine's '(UTC)'", () => {
  assert.is(new Date(0).getTimezoneOffset(), 0);
  assert.is(engineLike(v8.toString).call(new Date(0)), "Thu Jan 01 1970 00:00:00 GMT+0000 (UTC)");
});

test("toString and toTimeString give V8's text, Invalid Date included", () => {
  for (const t of TIMES) {
    const d = new Date(t);
    assert.is(fixed.toString.call(d), v8.toString.call(d), String(t));
    assert.is(fixed.toTimeString.call(d), v8.toTimeString.call(d), String(t));
  }
  assert.is(fixed.toString.call(new Date(1709214330123)), "Thu Feb 29 2024 13:45:30 GMT+0000 (Coordinated Universal Time)");
  assert.is(fixed.toString.call(new Date(NaN)), "Invalid Date");
});

test("a receiver that is not a Date is the native's TypeError; text without the engine's zone is kept", () => {
  assert.throws(() => fixed.toString.call({} as Date), TypeError);
  assert.equal([v8ZoneName("x GMT+0100 (CET)"), v8ZoneName("Invalid Date")], ["x GMT+0100 (CET)", "Invalid Date"]);
  assert.equal([fixed.toString.name, fixed.toString.length, fixed.toTimeString.name, "prototype" in fixed.toString], ["toString", 0, "toTimeString", false]);
});

test("installing onto Node's Date keeps its natives (V8 names the zone already)", () => {
  installDateString();
  assert.is(Date.prototype.toString, v8.toString);
  assert.is(Date.prototype.toTimeString, v8.toTimeString);
});

test.run();
