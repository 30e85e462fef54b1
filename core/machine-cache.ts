// The machine-wide cache of this Outpost checkout, `<repo>/node_modules/.cache/outpost`: what depends only
// on the toolchain, never on one project (the spliced engine and the component wrapper of the build, the
// glue of a component shape in the runtime), made once per install (scripts/prepare.ts) and shared by
// every project and region on the machine. `npm install` into a fresh clone starts it empty.
import { join } from "node:path";

export const MACHINE_CACHE_DIR = join(import.meta.dirname, "..", "node_modules", ".cache", "outpost");
