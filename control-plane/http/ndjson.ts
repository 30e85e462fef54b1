// Splits a streamed NDJSON body into its non-empty lines, as they arrive (a line cut off by the end of
// the stream is not a line and is dropped).
import type { Readable } from "node:stream";

export async function* ndjsonLines(body: AsyncIterable<Buffer | string> | Readable): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) yield line;
    }
  }
}
