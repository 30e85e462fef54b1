// Byte plumbing between JS streams and wasi:io streams inside the guest: an input-stream as a
// ReadableStream, and a ReadableStream (or bytes) written to an output-stream within its budget.
import type { InputStream, OutputStream } from "wasi:http/types@0.2.10";

const CHUNK = 64n * 1024n;

/**
 * A copy of `bytes` made by the app's own realm. Byte lists the host hands the guest (list<u8>
 * results: body chunks, KV values, queue messages) belong to the bindings' realm, so neither they
 * nor their `.slice()` are `instanceof Uint8Array` (or their buffer `instanceof ArrayBuffer`) in app code.
 */
export function ownBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return copy;
}

export const ownArrayBuffer = (bytes: Uint8Array): ArrayBuffer => ownBytes(bytes).buffer;

function isClosed(err: unknown): boolean {
  const e = err as { payload?: { tag?: string }; tag?: string };
  return e?.payload?.tag === "closed" || e?.tag === "closed";
}

export function readableFrom(stream: InputStream): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      try {
        const chunk = stream.blockingRead(CHUNK);
        if (chunk.byteLength) controller.enqueue(ownBytes(chunk));
      } catch (err) {
        stream[Symbol.dispose]?.();
        if (isClosed(err)) controller.close();
        else controller.error(new Error(`reading the body failed: ${(err as { payload?: { val?: { toDebugString?(): string } } })?.payload?.val?.toDebugString?.() ?? err}`));
      }
    },
    cancel() { stream[Symbol.dispose]?.(); },
  });
}

/** Writes `bytes` respecting the stream's check-write budget (the WASI contract). */
export function writeAll(stream: OutputStream, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.byteLength) {
    let budget = Number(stream.checkWrite());
    if (budget === 0) {
      const ready = stream.subscribe();
      ready.block();
      ready[Symbol.dispose]?.();
      budget = Number(stream.checkWrite());
      if (budget === 0) continue;
    }
    const n = Math.min(budget, bytes.byteLength - offset);
    stream.write(bytes.subarray(offset, offset + n));
    offset += n;
  }
}

/**
 * Writes the whole body. It ends with a non-blocking `flush` (which reports a write that already
 * failed), not `blocking-flush`: the host drains every accepted byte before it ends the HTTP
 * response (runtime/http-bridge.ts), and a blocking import suspends the instance (JSPI) and runs the
 * glue's async-task path, ~10% of a small request. Backpressure is kept by `writeAll`.
 */
export async function pipeBody(body: ReadableStream<Uint8Array> | null, stream: OutputStream): Promise<void> {
  if (body) {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      writeAll(stream, value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer));
    }
  }
  stream.flush();
}
