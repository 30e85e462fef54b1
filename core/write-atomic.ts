// Writes a file so that readers see the old contents or the new, never a part: into a temp file beside
// it (unique per process and call), then renamed over it; the temp file is removed if anything fails.
import { rename, rm, writeFile } from "node:fs/promises";

export async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
