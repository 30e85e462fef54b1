// Date.prototype.toString()/toTimeString() worded as V8 (workerd) words them. The guest's time zone is UTC,
// which the engine (no ICU) names "(UTC)" where V8 says "(Coordinated Universal Time)"; the rest of the
// text, "Invalid Date" and the TypeError for a receiver that is not a Date are the native's, unchanged.
const ENGINE_ZONE = " (UTC)";
const V8_ZONE = " (Coordinated Universal Time)";

/** `text` with the engine's name of UTC at its end replaced by V8's; any other text as it is. */
export function v8ZoneName(text: string): string {
  return text.endsWith(ENGINE_ZONE) ? text.slice(0, -ENGINE_ZONE.length) + V8_ZONE : text;
}

type DateText = (this: Date) => string;

/** toString and toTimeString over the engine's, renaming the zone (method syntax: named, not constructors, as natives). */
export function zoneNamed(toString: DateText, toTimeString: DateText): { toString: DateText; toTimeString: DateText } {
  return {
    toString(this: Date): string { return v8ZoneName(toString.call(this)); },
    toTimeString(this: Date): string { return v8ZoneName(toTimeString.call(this)); },
  };
}

export function installDateString(): void {
  const proto = Date.prototype;
  if (!new Date(0).toString().endsWith(ENGINE_ZONE)) return;
  const fixed = zoneNamed(proto.toString, proto.toTimeString);
  // ECMAScript built-in methods: writable, configurable, not enumerable (unlike Web IDL operations).
  for (const name of ["toString", "toTimeString"] as const) {
    Object.defineProperty(proto, name, { value: fixed[name], writable: true, enumerable: false, configurable: true });
  }
}
