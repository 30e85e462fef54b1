// Renders a project template from cli/templates/<name>/: every `*.tmpl` file, with `{{key}}` replaced,
// at its path minus `.tmpl` (`gitignore.tmpl` becomes `.gitignore`, which npm would not ship as is).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export interface RenderedFile {
  /** Relative to the new project's directory. */
  path: string;
  content: string;
}

export const TEMPLATES_DIR = import.meta.dirname;

function walk(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.name.endsWith(".tmpl")) out.push(path);
  }
  return out;
}

export function renderTemplate(name: string, vars: Record<string, string>): RenderedFile[] {
  const root = join(TEMPLATES_DIR, name);
  return walk(root, []).sort().map((file) => {
    let path = relative(root, file).slice(0, -".tmpl".length);
    if (path === "gitignore") path = ".gitignore";
    const content = readFileSync(file, "utf8").replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
      if (!(key in vars)) throw new Error(`template ${name}/${relative(root, file)} uses {{${key}}}, which was not given`);
      return vars[key];
    });
    return { path, content };
  });
}
