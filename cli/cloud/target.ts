// Where the cloud commands find the control plane and which token they send, each from the first source
// that has one. URL: --control-plane, $OUTPOST_CONTROL_PLANE, the control plane of an `outpost up` running
// in this project, http://127.0.0.1:8780. Token: --token, $OUTPOST_TOKEN, then (for a control plane on
// this machine only) $OUTPOST_ADMIN_TOKEN and the admin-token file of `outpost up`'s local control plane.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandArgs, OptionsConfig } from "../command.ts";
import { findRunningUp, outpostDirs } from "./up-state.ts";

export const DEFAULT_CONTROL_PLANE = "http://127.0.0.1:8780";
export const ADMIN_TOKEN_FILE = join("control-plane", "admin-token");

/** The flags every cloud command takes. */
export const TARGET_OPTIONS: OptionsConfig = {
  "control-plane": { type: "string" },
  token: { type: "string" },
};

export const TARGET_USAGE = `Control plane and token (first found wins):
  --control-plane <url>  or $OUTPOST_CONTROL_PLANE, or the one \`outpost up\` runs in this project,
                         else ${DEFAULT_CONTROL_PLANE}
  --token <token>        or $OUTPOST_TOKEN; for a control plane on this machine, then
                         $OUTPOST_ADMIN_TOKEN and .outpost/${ADMIN_TOKEN_FILE} (written by \`outpost up\`)`;

export interface Target {
  url: string;
  /** Where the URL came from, for messages. */
  urlSource: string;
  token: string;
  tokenSource: string;
}

export class TargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetError";
  }
}

function isLocal(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

function checkUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetError(`${source} is not a URL: '${raw}'; expected e.g. ${DEFAULT_CONTROL_PLANE}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TargetError(`${source} must be an http:// or https:// URL, got '${raw}'`);
  return url.origin;
}

function readToken(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

export function resolveTarget(args: Pick<CommandArgs, "values" | "config">, env: NodeJS.ProcessEnv = process.env): Target {
  const flag = (name: string) => (typeof args.values[name] === "string" ? (args.values[name] as string) : undefined);
  let url: string;
  let urlSource: string;
  const running = findRunningUp(args.config);
  if (flag("control-plane")) [url, urlSource] = [checkUrl(flag("control-plane")!, "--control-plane"), "--control-plane"];
  else if (env.OUTPOST_CONTROL_PLANE) [url, urlSource] = [checkUrl(env.OUTPOST_CONTROL_PLANE, "$OUTPOST_CONTROL_PLANE"), "$OUTPOST_CONTROL_PLANE"];
  else if (running) [url, urlSource] = [running.state.controlPlane, `outpost up (pid ${running.state.pid})`];
  else [url, urlSource] = [DEFAULT_CONTROL_PLANE, "the default"];

  if (flag("token")) return { url, urlSource, token: flag("token")!, tokenSource: "--token" };
  if (env.OUTPOST_TOKEN?.trim()) return { url, urlSource, token: env.OUTPOST_TOKEN.trim(), tokenSource: "$OUTPOST_TOKEN" };
  if (isLocal(new URL(url))) {
    if (env.OUTPOST_ADMIN_TOKEN?.trim()) return { url, urlSource, token: env.OUTPOST_ADMIN_TOKEN.trim(), tokenSource: "$OUTPOST_ADMIN_TOKEN" };
    const dirs = running ? [running.dir, ...outpostDirs(args.config)] : outpostDirs(args.config);
    for (const dir of dirs) {
      const path = join(dir, ADMIN_TOKEN_FILE);
      const token = readToken(path);
      if (token) return { url, urlSource, token, tokenSource: path };
    }
  }
  throw new TargetError(
    `no token for the control plane at ${url}: pass --token <token> or set OUTPOST_TOKEN ` +
      `(a deploy token of the app, or the admin token)` +
      (isLocal(new URL(url)) ? `; a control plane started by \`outpost up\` keeps its admin token in .outpost/${ADMIN_TOKEN_FILE} of its project, run this there` : ""),
  );
}
