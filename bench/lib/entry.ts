// What every bench entry (runtime.ts, peers.ts, node.ts, replication.ts) does around its work:
// parse options or print usage (exit 0) / the error and usage (exit 2), and report a failed run
// (exit 1) with the message for errors raised on purpose and the stack for bugs.

export function optionsOrExit<T>(name: string, parse: (argv: string[]) => T | null, usage: string): T {
  try {
    const opts = parse(process.argv.slice(2));
    if (opts) return opts;
    process.stdout.write(usage);
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${name}: ${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

export async function runOrExit(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    // Errors a bench raises on purpose say what to do; anything else (TypeError…) is a bug: show where.
    const e = err as Error;
    process.stderr.write(`${name}: ${e?.constructor === Error ? e.message : (e?.stack ?? String(err))}\n`);
    process.exit(1);
  }
}
