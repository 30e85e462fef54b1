// How the guest runtime's web API fixes are put in place: with the property attributes Web IDL gives
// natives (globals non-enumerable; operations and attributes enumerable), so an installed fix looks
// like the built-in it stands for.

/** Defines a global (an interface object or namespace) as Web IDL does: writable, configurable, not enumerable. */
export function defineGlobal(name: string, value: unknown): void {
  Object.defineProperty(globalThis, name, { value, writable: true, configurable: true, enumerable: false });
}

/** Defines an operation (a method or static function) on `target`: writable, enumerable, configurable. */
export function defineMethod(target: object, name: PropertyKey, fn: Function): void {
  Object.defineProperty(target, name, { value: fn, writable: true, enumerable: true, configurable: true });
}

/** Whether `target[name]` is a function (a native or an earlier install). */
export function hasMethod(target: object, name: PropertyKey): boolean {
  return typeof (target as Record<PropertyKey, unknown>)[name] === "function";
}
