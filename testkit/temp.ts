// Temporary directories for tests and benches: a fresh one under the OS temp dir, and its removal.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A new empty directory `<tmp>/<prefix>XXXXXX`. */
export function tempDir(prefix = "outpost-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
