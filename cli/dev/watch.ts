// Watches what a build depends on (the entry's directory tree, the config file, .dev.vars) and
// calls `onChange` once per burst of edits (debounced), ignoring outputs, caches and dependencies.
import { watch, type FSWatcher } from "node:fs";
import { basename, dirname } from "node:path";

const IGNORED = /(^|[\\/])(dist|\.outpost|node_modules|\.git)([\\/]|$)/;

export function watchSources(paths: { sourceDir: string; files: string[] }, onChange: (file: string) => void, debounceMs = 50): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let last = "";
  const changed = (file: string) => {
    last = file;
    clearTimeout(timer);
    timer = setTimeout(() => onChange(last), debounceMs);
  };
  const watchers: FSWatcher[] = [
    watch(paths.sourceDir, { recursive: true }, (_event, file) => {
      if (file && !IGNORED.test(file) && !file.endsWith(".tmp")) changed(file);
    }),
  ];
  // Single files are watched through their directory so editors that replace files are seen.
  for (const dir of new Set(paths.files.map(dirname))) {
    const names = new Set(paths.files.filter((f) => dirname(f) === dir).map((f) => basename(f)));
    watchers.push(watch(dir, (_event, file) => { if (file && names.has(file)) changed(file); }));
  }
  return { close: () => { clearTimeout(timer); for (const w of watchers) w.close(); } };
}
