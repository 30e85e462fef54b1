// The small WASI interfaces: clocks, random, stdio captured as log lines, terminals (none) and a
// filesystem with no preopened directories, so a component's language runtime links but cannot
// reach any file.
import { randomBytes, randomFillSync } from "node:crypto";
import { Pollable } from "./poll.ts";
import { InputStream, OutputStream } from "./streams.ts";

const start = process.hrtime.bigint();

export const monotonicClock = {
  now: (): bigint => process.hrtime.bigint() - start,
  resolution: (): bigint => 1n,
  subscribeInstant(when: bigint): Pollable {
    return monotonicClock.subscribeDuration(when - monotonicClock.now());
  },
  subscribeDuration(ns: bigint): Pollable {
    if (ns <= 0n) return Pollable.ready();
    return new Pollable(new Promise((r) => setTimeout(r, Number(ns / 1_000_000n))));
  },
};

export const wallClock = {
  now() {
    const ms = Date.now();
    return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: (ms % 1000) * 1_000_000 };
  },
  resolution: () => ({ seconds: 0n, nanoseconds: 1_000_000 }),
};

export const random = {
  getRandomBytes: (len: bigint): Uint8Array => new Uint8Array(randomBytes(Number(len))),
  getRandomU64: (): bigint => randomFillSync(new BigUint64Array(1))[0],
};
export const insecureRandom = { getInsecureRandomBytes: random.getRandomBytes, getInsecureRandomU64: random.getRandomU64 };
export const insecureSeed = { insecureSeed: (): [bigint, bigint] => [random.getRandomU64(), random.getRandomU64()] };

/** A line-splitting sink for stdout/stderr: each complete line becomes one log call. */
export function lineStream(emit: (line: string) => void): OutputStream {
  const decoder = new TextDecoder();
  let partial = "";
  return new OutputStream({
    write(chunk) {
      partial += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = partial.indexOf("\n")) >= 0) {
        emit(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
      if (partial.length > 16 * 1024) { emit(partial); partial = ""; }
    },
  });
}

export function stdio(log: (stream: "stdout" | "stderr", line: string) => void) {
  const stdout = lineStream((line) => log("stdout", line));
  const stderr = lineStream((line) => log("stderr", line));
  return {
    stdout: { getStdout: () => stdout },
    stderr: { getStderr: () => stderr },
    stdin: { getStdin: () => new InputStream(null) },
  };
}

class TerminalInput {}
class TerminalOutput {}
export const terminals = {
  input: { TerminalInput },
  output: { TerminalOutput },
  stdin: { getTerminalStdin: () => undefined },
  stdout: { getTerminalStdout: () => undefined },
  stderr: { getTerminalStderr: () => undefined },
};

class Descriptor {
  constructor() { throw new Error("Outpost grants no filesystem access"); }
}
export const filesystem = {
  preopens: { getDirectories: (): [] => [] },
  types: { Descriptor, filesystemErrorCode: () => undefined },
};

export const environment = {
  getEnvironment: (): Array<[string, string]> => [],
  getArguments: (): string[] => [],
  initialCwd: (): undefined => undefined,
};

export const exit = {
  exit(status: { tag: "ok" | "err" }): never {
    throw new Error(`component called wasi:cli/exit (${status.tag}); the instance is discarded`);
  },
};
