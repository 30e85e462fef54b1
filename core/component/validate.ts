// Decides whether a WebAssembly binary is a component Outpost will run: reads its world with jco,
// requires a wasi:http/incoming-handler@0.2.x export and rejects every import outside ALLOWED_IMPORTS,
// naming each offender and what to do instead. The allow-list is exported as data for spec/ and the host.

/** Why an interface is on the allow-list (spec/build.md has the table). */
export type ImportGroup = "proxy" | "inert" | "outpost";

export interface AllowedImport {
  /** `namespace:package/interface`, no version. */
  readonly name: string;
  /** Compatible versions, as major.minor: any `0.2.x` matches "0.2". */
  readonly version: string;
  readonly group: ImportGroup;
  /** What the host gives the guest through it. */
  readonly grants: string;
}

const proxy = (name: string, grants: string): AllowedImport => ({ name, version: "0.2", group: "proxy", grants });
const inert = (name: string, grants: string): AllowedImport => ({ name, version: "0.2", group: "inert", grants });
const outpost = (name: string, grants: string): AllowedImport => ({ name, version: "0.1", group: "outpost", grants });

export const ALLOWED_IMPORTS: readonly AllowedImport[] = [
  proxy("wasi:http/types", "request, response, header and body resources"),
  proxy("wasi:http/outgoing-handler", "fetch(), counted against the subrequest limit"),
  proxy("wasi:io/poll", "waiting on pollables"),
  proxy("wasi:io/error", "stream error details"),
  proxy("wasi:io/streams", "body streams"),
  proxy("wasi:clocks/monotonic-clock", "performance.now() and timers"),
  proxy("wasi:clocks/wall-clock", "Date.now()"),
  proxy("wasi:random/random", "crypto.getRandomValues()"),
  proxy("wasi:random/insecure", "Math.random() seeding"),
  proxy("wasi:random/insecure-seed", "hash-table seeding"),
  proxy("wasi:cli/stdin", "an empty stdin"),
  proxy("wasi:cli/stdout", "stdout, captured into the app's logs"),
  proxy("wasi:cli/stderr", "stderr, captured into the app's logs"),
  inert("wasi:cli/environment", "no environment variables and no arguments"),
  inert("wasi:cli/exit", "exit traps the instance, which is then discarded"),
  inert("wasi:cli/terminal-input", "no terminal"),
  inert("wasi:cli/terminal-output", "no terminal"),
  inert("wasi:cli/terminal-stdin", "no terminal"),
  inert("wasi:cli/terminal-stdout", "no terminal"),
  inert("wasi:cli/terminal-stderr", "no terminal"),
  inert("wasi:filesystem/types", "types only: there are no descriptors to use them on"),
  inert("wasi:filesystem/preopens", "zero preopened directories"),
  outpost("outpost:edge/config", "[vars], secrets and binding names"),
  outpost("outpost:edge/kv", "the KV namespaces bound in the config"),
  outpost("outpost:edge/queue", "the queue producers bound in the config"),
  outpost("outpost:edge/log", "structured logs"),
  outpost("outpost:edge/intl", "Intl, locale methods and normalize() from the host's ICU"),
  outpost("outpost:edge/url-pattern", "URLPattern from the host's implementation"),
  outpost("outpost:edge/crypto", "crypto.subtle beyond the engine's digest and HMAC, from the host's node:crypto"),
];

/** The export every component must have; the other two are optional and enable crons and queues. */
export const REQUIRED_EXPORT = { name: "wasi:http/incoming-handler", version: "0.2" } as const;
export const OPTIONAL_EXPORTS = [
  { name: "outpost:edge/scheduled-handler", version: "0.1" },
  { name: "outpost:edge/queue-handler", version: "0.1" },
] as const;

/** What to do instead, for interfaces people reach for. Matched by prefix on `ns:pkg/iface`. */
const ADVICE: ReadonlyArray<[string, string]> = [
  ["wasi:sockets/", "components may not open sockets; use fetch()"],
  ["wasi:filesystem/", "components get no filesystem; keep data in a KV namespace"],
  ["wasi:http/incoming-handler", "a component exports the request handler, it cannot import one"],
  ["wasi:keyvalue/", "use a KV namespace binding ([[kv_namespaces]] in the config)"],
  ["wasi:config/", "use [vars] and secrets from the config"],
  ["wasi:logging/", "use console.log() or outpost:edge/log"],
  ["wasi:cli/", "components are not command-line programs"],
  ["outpost:edge/", "it is not part of outpost:edge@0.1 (spec/wit/outpost.wit); rebuild against the current WIT"],
];

export interface ComponentInfo {
  /** e.g. "wasi:http/types@0.2.10"; a bare name for an import that is not an interface. */
  imports: string[];
  exports: string[];
  /** The source language recorded in the producers section, when there is one. */
  language?: string;
}

export interface ValidateOptions {
  /** Extra imports to accept, as "ns:pkg/iface@major.minor" (e.g. "wasi:logging/logging@0.1"). */
  allow?: readonly string[];
}

export type ComponentErrorCode = "not-wasm" | "core-module" | "no-handler" | "forbidden-import";

export class ComponentError extends Error {
  readonly code: ComponentErrorCode;
  /** The imports that were refused, for "forbidden-import". */
  readonly offending: readonly string[];
  constructor(code: ComponentErrorCode, message: string, offending: readonly string[] = []) {
    super(message);
    this.name = "ComponentError";
    this.code = code;
    this.offending = offending;
  }
}

interface ParsedName { key: string; majorMinor: string | null; version: string | null }

/** Splits "wasi:http/types@0.2.10" into the interface key and its compatibility version ("0.2"). */
export function parseInterfaceName(name: string): ParsedName | null {
  const m = /^([a-z][\w-]*:[a-z][\w-]*\/[a-z][\w-]*)(?:@(\d+)\.(\d+)\.(\d+)(?:[-+][\w.+-]*)?)?$/.exec(name);
  if (!m) return null;
  if (m[2] === undefined) return { key: m[1], majorMinor: null, version: null };
  // Semver compatibility: 0.x releases are compatible within a minor, others within a major.
  const majorMinor = m[2] === "0" ? `0.${m[3]}` : `${m[2]}`;
  return { key: m[1], majorMinor, version: `${m[2]}.${m[3]}.${m[4]}` };
}

function compatible(entryVersion: string, majorMinor: string): boolean {
  const [major, minor] = entryVersion.split(".");
  return major === "0" ? majorMinor === `0.${minor}` : majorMinor === major;
}

/** Reads the top-level `import`/`export` items of the world printed by jco's componentWit. */
export function parseWorldItems(wit: string): { imports: string[]; exports: string[] } {
  const imports: string[] = [];
  const exports: string[] = [];
  for (const line of wit.split("\n")) {
    const m = /^ {2}(import|export) (\S+?)(?:;|: )/.exec(line);
    if (m) (m[1] === "import" ? imports : exports).push(m[2]);
  }
  return { imports, exports };
}

function whyRefused(name: string, allowed: readonly AllowedImport[]): string {
  const parsed = parseInterfaceName(name);
  if (!parsed) return `imports ${name}, a bare function or instance rather than a WIT interface; no host provides it`;
  const same = allowed.find((a) => a.name === parsed.key);
  if (same) {
    const found = parsed.version ? `version ${parsed.version}` : "no version";
    return `imports ${name}: Outpost serves ${same.name}@${same.version}.x, this has ${found}; rebuild against WASI ${same.version} (the wasi:http/proxy@0.2 world)`;
  }
  const advice = ADVICE.find(([prefix]) => parsed.key.startsWith(prefix))?.[1] ?? "Outpost does not provide this interface";
  return `imports ${name}, which Outpost does not grant: ${advice}`;
}

/** Checks an import/export list without reading any bytes; throws ComponentError. */
export function checkWorld(info: { imports: readonly string[]; exports: readonly string[] }, opts: ValidateOptions = {}): void {
  const extra: AllowedImport[] = (opts.allow ?? []).map((spec) => {
    const [name, version = ""] = spec.split("@");
    return { name, version, group: "proxy", grants: "allowed by the caller" };
  });
  const allowed = [...ALLOWED_IMPORTS, ...extra];
  const problems: string[] = [];
  const offending: string[] = [];
  for (const name of info.imports) {
    const parsed = parseInterfaceName(name);
    const ok = parsed?.majorMinor != null && allowed.some((a) => a.name === parsed.key && compatible(a.version, parsed.majorMinor!));
    if (!ok) {
      offending.push(name);
      problems.push(whyRefused(name, allowed));
    }
  }
  const handler = info.exports.some((name) => {
    const parsed = parseInterfaceName(name);
    return parsed?.key === REQUIRED_EXPORT.name && parsed.majorMinor === REQUIRED_EXPORT.version;
  });
  if (!handler) {
    const had = info.exports.length ? `it exports ${info.exports.join(", ")}` : "it exports nothing";
    problems.unshift(
      `does not export ${REQUIRED_EXPORT.name}@${REQUIRED_EXPORT.version}.x (${had}); ` +
        "build it for the wasi:http/proxy world (JavaScript: `outpost build` does this; Rust: cargo component with wasi:http; C: wit-bindgen for wasi:http/proxy)",
    );
  }
  if (!problems.length) return;
  const code: ComponentErrorCode = handler ? "forbidden-import" : "no-handler";
  const tail = offending.length
    ? "\nOutpost grants the wasi:http/proxy@0.2 imports, inert wasi:cli and wasi:filesystem stubs, and outpost:edge@0.1 (spec/build.md lists them)."
    : "";
  throw new ComponentError(code, `component refused:\n  - ${problems.join("\n  - ")}${tail}`, offending);
}

type Jco = typeof import("@bytecodealliance/jco");
let jcoPromise: Promise<Jco> | undefined;

/**
 * Loads jco once. Reading a component from bytes needs no filesystem, so this leaves preview2-shim's
 * preopens alone (none by default); the build toolchain, which reads WIT files, sets its own.
 */
export function loadJco(): Promise<Jco> {
  jcoPromise ??= import("@bytecodealliance/jco");
  return jcoPromise;
}

function hasWasmMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d;
}

/** Reads a binary's world and checks it; resolves to what it imports and exports. */
export async function validateComponent(bytes: Uint8Array, opts: ValidateOptions = {}): Promise<ComponentInfo> {
  if (!hasWasmMagic(bytes)) {
    throw new ComponentError("not-wasm", "not a WebAssembly binary (no \\0asm header); pass a .wasm component built for wasi:http/proxy");
  }
  // Byte 4..7: 01 00 00 00 for a core module, 0d 00 01 00 for a component (version 0xd, layer 1).
  if (bytes[6] === 0 && bytes[7] === 0) {
    throw new ComponentError(
      "core-module",
      "this is a core wasm module, not a component; wrap it with `jco new` / `wasm-tools component new` (with the wasi_snapshot_preview1 reactor adapter if it uses WASI preview 1)",
    );
  }
  const jco = await loadJco();
  let wit: string;
  let language: string | undefined;
  try {
    wit = await jco.componentWit(bytes);
    const meta = await jco.metadataShow(bytes);
    const field = (producers: Array<[string, Array<[string, string]>]> | undefined) =>
      producers?.find(([name]) => name === "language")?.[1]?.[0]?.[0];
    language = field(meta[0]?.producers) ?? field(meta.find((m) => m.parentIndex === 0 && m.metaType.tag === "module")?.producers);
  } catch (err) {
    const detail = String((err as Error)?.message ?? err).split("\n")[0];
    throw new ComponentError("not-wasm", `not a valid WebAssembly component: ${detail}`);
  }
  const info = parseWorldItems(wit);
  checkWorld(info, opts);
  return language ? { ...info, language } : info;
}
