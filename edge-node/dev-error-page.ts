// The page a development node shows a browser while the app's last rebuild failed (as wrangler and Vite
// do): the error, the file and line it names, and that the last good version still serves other clients.
import type { ServerResponse } from "node:http";

export interface DevFailure {
  /** What the build said, as printed in the terminal. */
  message: string;
  /** The places in the user's files it names, first first. */
  locations: { file: string; line: number; column: number; lineText?: string }[];
  /** When the failed build finished (ms since the epoch). */
  at: number;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function devErrorPage(f: DevFailure): string {
  const first = f.locations[0];
  const heading = first ? `Build failed in ${first.file}:${first.line}:${first.column}` : "Build failed";
  const snippet = first?.lineText !== undefined
    ? `<pre class="line">${first.line} | ${escape(first.lineText)}\n${" ".repeat(String(first.line).length)} | ${" ".repeat(Math.max(0, first.column - 1))}^</pre>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(heading)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#222}h1{color:#b00020;font-size:1.3rem}
pre{background:#f6f6f6;padding:1rem;overflow:auto;white-space:pre-wrap}.line{background:#fff3f3}</style></head>
<body><h1>${escape(heading)}</h1>
${snippet}
<pre>${escape(f.message)}</pre>
<p>Fix the file and save: this page is replaced by the app once the rebuild is live. Clients that do not ask
for HTML are still served the last good version. (outpost dev, ${new Date(f.at).toISOString()})</p>
</body></html>
`;
}

/** Answers a browser's request with the page: 500, HTML, not cached. */
export function sendDevErrorPage(res: ServerResponse, f: DevFailure): void {
  const body = devErrorPage(f);
  res.writeHead(500, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
