// undici, loaded once on first use: importing it takes ~100 ms of a thread's CPU (bench/profile
// process start), so no module imports it statically; a thread that needs it soon starts the load
// early (loadHttpClient) and one that never sends a request never pays for it.
type Undici = typeof import("undici");

let loading: Promise<Undici> | undefined;
let loaded: Undici | undefined;

/** Starts the load if it has not started; resolves with the module. */
export function loadHttpClient(): Promise<Undici> {
  loading ??= import("undici").then((m) => (loaded = m));
  return loading;
}

/** The module if it has finished loading (callers then dispatch in the same turn), else undefined. */
export function loadedHttpClient(): Undici | undefined {
  return loaded;
}
