// `outpost init <dir>`: creates a new app from cli/templates/app (entry module, config, tsconfig,
// .gitignore); refuses a directory that already has files in it.
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { OUTPOST_SDK_ENTRY } from "../../sdk/build/bundle.ts";
import { APP_NAME } from "../../core/config/schema.ts";
import { renderTemplate } from "../templates/render.ts";
import type { CommandArgs, OptionsConfig } from "../command.ts";

export const options: OptionsConfig = {
  name: { type: "string" },
};

export const usage = `Usage: outpost init <dir> [--name <app-name>] [--json]

Creates a new Outpost app in <dir> (made if missing; it must be empty):

  src/index.ts         a fetch handler, Workers-style
  wrangler-like.toml   the app's config: name, main, compatibility_date, [vars]
  tsconfig.json        type-checking with the "outpost" types
  .gitignore           dist/ and .outpost/

The app name defaults to the directory's name, made lowercase with dashes.`;

export class InitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InitError";
  }
}

/** Turns a directory name into a valid app name: lowercase letters, digits and dashes, starting with a letter. */
export function appNameFrom(dir: string): string {
  const name = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+/g, "-")
    .replace(/-$/, "")
    .slice(0, 63)
    .replace(/-$/, "");
  return name || "my-app";
}

export interface InitResult {
  dir: string;
  name: string;
  files: string[];
}

export async function initProject(dir: string, opts: { name?: string; today?: Date } = {}): Promise<InitResult> {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new InitError(`${dir} exists and is not a directory`);
    const present = readdirSync(target);
    if (present.length) {
      const shown = present.slice(0, 5).join(", ") + (present.length > 5 ? ", ..." : "");
      throw new InitError(`${dir} is not empty (${shown}); choose a new directory or empty this one`);
    }
  }
  const name = opts.name ?? appNameFrom(target);
  if (!APP_NAME.re.test(name)) throw new InitError(`--name "${name}" is not ${APP_NAME.rule}`);
  // Inside the Outpost checkout a relative path survives moving the checkout; outside it, absolute is clearer.
  const repoRoot = resolve(dirname(OUTPOST_SDK_ENTRY), "..");
  let types = target.startsWith(repoRoot + "/") ? relative(target, OUTPOST_SDK_ENTRY) : OUTPOST_SDK_ENTRY;
  if (!types.startsWith(".") && !types.startsWith("/")) types = `./${types}`;
  const files = renderTemplate("app", {
    name,
    compatibilityDate: (opts.today ?? new Date()).toISOString().slice(0, 10),
    outpostTypes: JSON.stringify(types).slice(1, -1),
  });
  for (const file of files) {
    const path = join(target, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content, { flag: "wx" });
  }
  return { dir: target, name, files: files.map((f) => f.path) };
}

export async function run(args: CommandArgs): Promise<number> {
  const [dir, extra] = args.positionals;
  if (!dir || extra !== undefined) throw new InitError("outpost init takes one directory: outpost init <dir>");
  const result = await initProject(dir, { name: typeof args.values.name === "string" ? args.values.name : undefined });
  const { out } = args;
  out.result(result);
  out.info(`${out.green("Created")} ${result.name} in ${out.path(result.dir)}`);
  for (const file of result.files) out.info(`  ${file}`);
  const cd = relative(process.cwd(), result.dir) || ".";
  out.info(`\nNext:\n  cd ${cd}\n  outpost build     ${out.dim("# dist/" + result.name + ".wasm")}\n  outpost dev       ${out.dim("# serve it locally")}`);
  return 0;
}
