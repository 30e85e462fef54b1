// The build manifest (`dist/<name>.manifest.json`): what a deploy needs to know about a component
// besides its bytes. The format is documented in spec/build.md; sdk/build/manifest.ts writes it.
import type { AppConfig } from "./config/model.ts";

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
