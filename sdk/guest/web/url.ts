// URL.parse() and URL.canParse() (URL §6.1) where the engine lacks them: the URL constructor's
// answer, as a URL or null, or as a boolean, instead of a TypeError.
import { defineMethod, hasMethod } from "./define.ts";

export function parse(url: string, base?: string): URL | null {
  try {
    return base === undefined ? new URL(url) : new URL(url, base);
  } catch {
    return null;
  }
}

export function canParse(url: string, base?: string): boolean {
  return parse(url, base) !== null;
}

export function installUrlStatics(): void {
  if (!hasMethod(URL, "parse")) defineMethod(URL, "parse", parse);
  if (!hasMethod(URL, "canParse")) defineMethod(URL, "canParse", canParse);
}
