// Conformance checks: Intl (numbers, dates, collation, plurals, lists, segmentation, names), the locale-aware
// methods of Number, Date and String, and Unicode normalisation. Dates are fixed and in named time zones.
import { throwsName } from "./util.js";

const T = Date.UTC(2024, 1, 29, 13, 45, 30, 123);
const I = () => globalThis.Intl;

export default {
  "intl.numberFormat": () => [
    new (I().NumberFormat)("de-DE", { style: "currency", currency: "EUR" }).format(1234.5),
    new (I().NumberFormat)("en-IN").format(1234567.891),
    new (I().NumberFormat)("en", { notation: "compact" }).format(1_250_000),
    new (I().NumberFormat)("en", { style: "percent", maximumFractionDigits: 1 }).format(0.1234),
    new (I().NumberFormat)("en", { style: "unit", unit: "kilometer-per-hour" }).format(50),
    new (I().NumberFormat)("ja-JP", { style: "currency", currency: "JPY" }).formatToParts(1234).map((p) => p.type),
  ],
  "intl.numberOptions": () => {
    const o = new (I().NumberFormat)("fr", { minimumFractionDigits: 2 }).resolvedOptions();
    return [o.locale, o.numberingSystem, o.minimumFractionDigits, o.maximumFractionDigits, o.useGrouping];
  },
  "intl.numberErrors": () => [throwsName(() => new (I().NumberFormat)("en", { style: "currency" })), throwsName(() => new (I().NumberFormat)("not a locale!"))],
  "intl.dateTimeFormat": () => [
    new (I().DateTimeFormat)("en-US", { dateStyle: "full", timeStyle: "long", timeZone: "UTC" }).format(T),
    new (I().DateTimeFormat)("ja-JP", { timeZone: "Asia/Tokyo" }).format(T),
    new (I().DateTimeFormat)("en-GB", { timeZone: "America/New_York", hour: "2-digit", minute: "2-digit", timeZoneName: "short" }).format(T),
    new (I().DateTimeFormat)("de", { month: "long", timeZone: "UTC" }).formatToParts(T).map((p) => `${p.type}:${p.value}`),
  ],
  "intl.dateErrors": () => [throwsName(() => new (I().DateTimeFormat)("en", { timeZone: "Mars/Base" })), throwsName(() => new (I().DateTimeFormat)("en").format(NaN))],
  "intl.collator": () => [
    ["ä", "a", "z"].sort(new (I().Collator)("de").compare),
    ["ä", "a", "z"].sort(new (I().Collator)("sv").compare),
    ["a10", "a2"].sort(new (I().Collator)("en", { numeric: true }).compare),
    new (I().Collator)("en", { sensitivity: "base" }).compare("a", "A"),
  ],
  "intl.pluralRules": () => [new (I().PluralRules)("en").select(1), new (I().PluralRules)("en", { type: "ordinal" }).select(2), new (I().PluralRules)("ar").select(3)],
  "intl.relativeTime": () => [new (I().RelativeTimeFormat)("en", { numeric: "auto" }).format(-1, "day"), new (I().RelativeTimeFormat)("es").format(3, "hours")],
  "intl.listFormat": () => [new (I().ListFormat)("en", { type: "conjunction" }).format(["a", "b", "c"]), new (I().ListFormat)("de", { type: "disjunction" }).format(["x", "y"])],
  "intl.segmenter": () => {
    const g = [...new (I().Segmenter)("en", { granularity: "grapheme" }).segment("👨‍👩‍👧e\u0301!")].map((s) => s.segment);
    const w = [...new (I().Segmenter)("en", { granularity: "word" }).segment("Hi, you.")].filter((s) => s.isWordLike).map((s) => s.segment);
    return [g.length, w];
  },
  "intl.displayNames": () => [new (I().DisplayNames)("en", { type: "region" }).of("DE"), new (I().DisplayNames)("fr", { type: "language" }).of("en-US")],
  "intl.locale": () => {
    const l = new (I().Locale)("en-Latn-US", { calendar: "gregory" });
    return [l.baseName, l.language, l.region, l.toString(), new (I().Locale)("zh").maximize().toString(), I().getCanonicalLocales(["EN-us", "de-de"])];
  },
  "intl.defaults": () => [new (I().NumberFormat)().resolvedOptions().locale, new (I().DateTimeFormat)().resolvedOptions().timeZone, I().supportedValuesOf("currency").includes("EUR")],
  "intl.toLocaleString": () => [
    (1234567.891).toLocaleString("de-DE"),
    (12345n).toLocaleString("en-US"),
    new Date(T).toLocaleString("en-US", { timeZone: "UTC" }),
    new Date(T).toLocaleDateString("fr-FR", { timeZone: "UTC" }),
    new Date(T).toLocaleTimeString("en-GB", { timeZone: "UTC" }),
    (0.5).toLocaleString("en", { style: "percent" }),
  ],
  "intl.localeCompare": () => ["a".localeCompare("b"), "ä".localeCompare("z", "sv"), "I".toLocaleLowerCase("tr"), "i".toLocaleUpperCase("tr")],
  "intl.normalize": () => {
    const nfd = "Å".normalize("NFD");
    return [nfd.length, nfd.normalize("NFC") === "Å", "ﬁ".normalize("NFKC"), "e\u0301".normalize().length, throwsName(() => "x".normalize("NFX"))];
  },
  "intl.dateString": () => [new Date(T).toString(), new Date(T).toISOString(), new Date(T).toUTCString(), new Date(T).getTimezoneOffset()],
};
