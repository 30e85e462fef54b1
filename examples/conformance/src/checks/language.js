// Conformance checks: regular expressions (Unicode property escapes, the v flag, lookbehind, indices) and
// built-ins from ES2022 to ES2025, each by behaviour, so a missing one shows as the exception it throws.
import { throwsName } from "./util.js";

/** The value, or "throws <Name>" (also when it returns a promise that rejects). */
function has(f) {
  const named = (e) => `throws ${e?.name}`;
  try {
    const value = f();
    return typeof value?.then === "function" ? value.then((v) => v, named) : value;
  } catch (e) {
    return named(e);
  }
}

export default {
  "regex.propertyEscapes": () => [/^\p{Lu}\p{Ll}+$/u.test("Élan"), "Élan Ünï 123!".replace(/[^\p{L}\p{N}]+/gu, "-"), /\P{ASCII}/u.test("abc"), "αβγ x".match(/\p{Script=Greek}+/u)?.[0]],
  "regex.emoji": () => "hi 👋🏽 there 🎉".match(/\p{Extended_Pictographic}/gu),
  "regex.vFlag": () => [/[\p{L}--[a-z]]/v.test("a"), /[\p{L}--[a-z]]/v.test("É"), /[[a-z]&&[aeiou]]/v.test("e")],
  "regex.caseFolding": () => [/k/iu.test("\u212a"), /ß/iu.test("\u1e9e"), /\u{10400}/iu.test("\u{10428}"), /é/i.test("É")],
  "regex.runtimeProperty": () => has(() => new RegExp("\\p{L}+", "u").exec("héllo1")?.[0]),
  "regex.syntax": () => {
    const m = /(?<year>\d{4})-(?<month>\d{2})/d.exec("on 2024-02");
    return [m.groups.year, m.indices.groups.month, "$10 $20".match(/(?<=\$)\d+/g), /a.c/s.test("a\nc"), "aBc".replace(/b/i, "x")];
  },
  "es.2022": () => [[1, 2, 3].at(-1), Object.hasOwn({ a: 1 }, "a"), has(() => new Error("e", { cause: "c" }).cause), "abc".at(-1)],
  "es.2023": () => [[3, 1, 2].toSorted(), [1, 2, 3].toReversed(), [1, 2, 3].with(1, 9), [1, 2, 3].findLast((x) => x < 3), [1, 2, 3].toSpliced(0, 1)],
  "es.2024": async () => [
    has(() => Object.groupBy([1, 2, 3], (x) => (x % 2 ? "odd" : "even"))),
    has(() => [...Map.groupBy([1, 2], (x) => x > 1).keys()]),
    has(() => typeof Promise.withResolvers().resolve),
    has(() => ["a\ud800".isWellFormed(), "a\ud800".toWellFormed().length]),
    has(() => new ArrayBuffer(2, { maxByteLength: 8 }).resizable),
    has(() => new ArrayBuffer(4).transfer(8).byteLength),
    await has(async () => (await Array.fromAsync([Promise.resolve(1), 2])).length),
  ],
  "es.2025": () => [
    has(() => [...new Set([1, 2]).union(new Set([3]))]),
    has(() => new Set([1, 2]).isSubsetOf(new Set([1, 2, 3]))),
    has(() => [1, 2, 3].values().map((x) => x * 2).filter((x) => x > 2).toArray()),
    has(() => typeof Promise.try),
    has(() => RegExp.escape("a.b")),
    has(() => new Float16Array([1.5])[0]),
    has(() => JSON.parse("1", (k, v, ctx) => typeof ctx?.source)),
  ],
  "es.errors": () => [throwsName(() => null.x), throwsName(() => undefinedName), throwsName(() => new Array(-1)), throwsName(() => JSON.parse("{")), typeof Error.captureStackTrace],
};
