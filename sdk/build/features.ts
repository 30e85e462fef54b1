// componentize-js's feature choice for a bundle, apart from componentize.ts so that the cache key of a
// build can be computed without loading the componentize pipeline.
import { DEFAULT_FEATURES, type Feature } from "./toolchain.ts";

/** componentize()'s feature choice: all defaults, minus fetch-event when the module exports incomingHandler. */
export function featuresFor(exportNames: readonly string[]): Feature[] {
  const features = new Set<Feature>(DEFAULT_FEATURES);
  if (features.has("http") && exportNames.includes("incomingHandler")) features.delete("fetch-event");
  return [...features];
}
