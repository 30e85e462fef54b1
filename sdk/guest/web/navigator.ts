// `navigator` where the engine has none, with workerd's values: the user agent workerd reports (the
// bundler resolves npm packages' `workerd` builds, so a package's runtime check should agree), one
// hardware thread (an instance serves one request at a time), and language "en".
import { defineGlobal } from "./define.ts";

export class Navigator {
  get userAgent(): string { return "Cloudflare-Workers"; }
  get hardwareConcurrency(): number { return 1; }
  get language(): string { return "en"; }

  static { Object.defineProperty(this.prototype, Symbol.toStringTag, { value: "Navigator", configurable: true }); }
}

export function installNavigator(): void {
  if (typeof globalThis.navigator !== "undefined") return;
  if (typeof (globalThis as { Navigator?: unknown }).Navigator === "undefined") defineGlobal("Navigator", Navigator);
  defineGlobal("navigator", new Navigator());
}
