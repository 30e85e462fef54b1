// Writes the build manifest (core/manifest.ts) of a component from its config and build info.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AppConfig } from "../../core/config/model.ts";
import { MANIFEST_VERSION, type Manifest } from "../../core/manifest.ts";
import type { CachedInfo } from "./cache.ts";
import { versions } from "./toolchain.ts";

const outpostVersion = (JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;

export function makeManifest(config: AppConfig, kind: Manifest["kind"], info: CachedInfo): Manifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    name: config.name,
    kind,
    sha256: info.sha256,
    size: info.size,
    imports: info.imports,
    exports: info.exports,
    ...(info.language ? { language: info.language } : {}),
    compatibilityDate: config.compatibilityDate,
    vars: config.vars,
    secrets: config.secrets,
    kvNamespaces: config.kvNamespaces,
    queues: config.queues,
    crons: config.crons,
    limits: config.limits,
    routes: config.routes,
    regions: config.regions,
    builtWith: { outpost: outpostVersion, componentizeJs: kind === "js" ? versions.componentizeJs : null, jco: versions.jco },
  };
}
