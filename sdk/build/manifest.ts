// The build manifest (`dist/<name>.manifest.json`): what a deploy needs to know about a component
// besides its bytes. The format is documented in spec/build.md.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AppConfig } from "../config/model.ts";
import type { CachedInfo } from "./cache.ts";
import { versions } from "./toolchain.ts";

export const MANIFEST_VERSION = 1;

export interface Manifest {
  manifestVersion: number;
  name: string;
  /** "js": built by `outpost build` from TypeScript/JavaScript; "prebuilt": from `--component`. */
  kind: "js" | "prebuilt";
  /** Hex sha256 of the component bytes. */
  sha256: string;
  /** Bytes. */
  size: number;
  imports: string[];
  exports: string[];
  language?: string;
  compatibilityDate: string;
  vars: Record<string, unknown>;
  /** Names only; values never enter a build. */
  secrets: string[];
  kvNamespaces: AppConfig["kvNamespaces"];
  queues: AppConfig["queues"];
  crons: string[];
  limits: AppConfig["limits"];
  routes: AppConfig["routes"];
  regions: string[] | null;
  builtWith: { outpost: string; componentizeJs: string | null; jco: string };
}

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
