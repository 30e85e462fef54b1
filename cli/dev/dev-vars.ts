// Secrets for local development, read from `.dev.vars` beside the config (the Workers
// convention: KEY=value lines, # comments, optional quotes), falling back to the process env.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export function parseDevVars(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    // The line itself is not echoed: a malformed line may still hold a secret value.
    if (!m) throw new Error(`${file}:${i + 1}: expected KEY=value (a name of letters, digits and _, then =); the line is not shown because it may hold a secret`);
    let value = m[2];
    const quoted = /^(["'])(.*)\1$/.exec(value);
    if (quoted) value = quoted[1] === '"' ? quoted[2].replace(/\\n/g, "\n").replace(/\\"/g, '"') : quoted[2];
    out[m[1]] = value;
  });
  return out;
}

/** Values for the secret names an app declares; names without a value are listed in `missing`. */
export function devSecrets(dir: string, names: string[], env: NodeJS.ProcessEnv = process.env): { secrets: Record<string, string>; missing: string[] } {
  const file = join(dir, ".dev.vars");
  const fromFile = existsSync(file) ? parseDevVars(readFileSync(file, "utf8"), file) : {};
  const secrets: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const value = fromFile[name] ?? env[name];
    if (value === undefined) missing.push(name);
    else secrets[name] = value;
  }
  return { secrets, missing };
}
