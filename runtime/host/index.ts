// Assembles the import object one component instance receives: every interface the world
// grants, keyed the way jco's generated glue looks them up (unversioned interface names).
import { Fields } from "./fields.ts";
import { sendRequest, FutureIncomingResponse, IncomingResponse, OutgoingRequest, RequestOptions, type OutgoingContext } from "./http-outgoing.ts";
import { cryptoImports } from "./crypto.ts";
import { FutureTrailers, IncomingBody, IncomingRequest, OutgoingBody, OutgoingResponse, ResponseOutparam, httpErrorCode } from "./http-types.ts";
import { intlImports } from "./intl.ts";
import { outpostImports, type OutpostHostOptions } from "./outpost.ts";
import { IoError, Pollable, poll } from "./poll.ts";
import { InputStream, OutputStream } from "./streams.ts";
import { urlPatternImports } from "./url-pattern.ts";
import { environment, exit, filesystem, insecureRandom, insecureSeed, monotonicClock, random, stdio, terminals, wallClock } from "./system.ts";

export interface HostOptions extends OutpostHostOptions {
  outgoing: OutgoingContext;
  stdio(stream: "stdout" | "stderr", line: string): void;
}

export function hostImports(opts: HostOptions): Record<string, Record<string, unknown>> {
  const io = stdio(opts.stdio);
  const outpost = outpostImports(opts);
  return {
    "wasi:io/poll": { Pollable, poll },
    "wasi:io/error": { Error: IoError },
    "wasi:io/streams": { InputStream, OutputStream },
    "wasi:clocks/monotonic-clock": monotonicClock,
    "wasi:clocks/wall-clock": wallClock,
    "wasi:random/random": random,
    "wasi:random/insecure": insecureRandom,
    "wasi:random/insecure-seed": insecureSeed,
    "wasi:cli/stdout": io.stdout,
    "wasi:cli/stderr": io.stderr,
    "wasi:cli/stdin": io.stdin,
    "wasi:cli/environment": environment,
    "wasi:cli/exit": exit,
    "wasi:cli/terminal-input": terminals.input,
    "wasi:cli/terminal-output": terminals.output,
    "wasi:cli/terminal-stdin": terminals.stdin,
    "wasi:cli/terminal-stdout": terminals.stdout,
    "wasi:cli/terminal-stderr": terminals.stderr,
    "wasi:filesystem/preopens": filesystem.preopens,
    "wasi:filesystem/types": filesystem.types,
    "wasi:http/types": {
      Fields, FutureIncomingResponse, FutureTrailers, IncomingBody, IncomingRequest, IncomingResponse,
      OutgoingBody, OutgoingRequest, OutgoingResponse, RequestOptions, ResponseOutparam, httpErrorCode,
    },
    "wasi:http/outgoing-handler": {
      handle: (request: OutgoingRequest, options: RequestOptions | undefined) => sendRequest(opts.outgoing, request, options),
    },
    "outpost:edge/config": outpost.config,
    "outpost:edge/log": outpost.log,
    "outpost:edge/kv": outpost.kv,
    "outpost:edge/queue": outpost.queue,
    "outpost:edge/intl": intlImports(),
    "outpost:edge/url-pattern": urlPatternImports(),
    "outpost:edge/crypto": cryptoImports(),
  };
}

/** Functions that may suspend the instance (JSPI), as `iface#func` without the version. */
export const SUSPENDING_IMPORTS: Record<string, string[]> = {
  "wasi:io/poll": ["poll", "[method]pollable.block"],
  "wasi:io/streams": [
    "[method]input-stream.blocking-read", "[method]input-stream.blocking-skip",
    "[method]output-stream.blocking-flush", "[method]output-stream.blocking-write-and-flush",
    "[method]output-stream.blocking-write-zeroes-and-flush", "[method]output-stream.blocking-splice",
  ],
  "outpost:edge/kv": ["put", "delete"],
  "outpost:edge/queue": ["send", "send-batch"],
};

/** Exports the host calls as async functions (JSPI promising). */
export const ASYNC_EXPORTS = ["wasi:http/incoming-handler#handle", "outpost:edge/scheduled-handler#handle", "outpost:edge/queue-handler#handle"];
