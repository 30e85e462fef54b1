// Start a test server on 127.0.0.1 (a free port unless told) and give back its base URL and port; or
// find a free port for a child process to bind.
import { once } from "node:events";
import { createServer, type AddressInfo, type Server } from "node:net";
import { portFree } from "../cli/up/preflight.ts";

export interface Listening { url: string; port: number }

/** Listen on 127.0.0.1:`port` (0 = any free port); resolves once it accepts connections. */
export async function listen(server: Server, port = 0): Promise<Listening> {
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${bound}`, port: bound };
}

/** A port that was free a moment ago on 127.0.0.1 (for a child process that must be told its port). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  const { port } = await listen(probe);
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A base port for `outpost up --port-base` whose ports base+offset are all free (below the ephemeral range port 0 picks from). */
export async function freePortBase(offsets: readonly number[]): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const base = 20000 + Math.floor(Math.random() * 12000);
    if ((await Promise.all(offsets.map((o) => portFree(base + o, "127.0.0.1")))).every(Boolean)) return base;
  }
  throw new Error("no free port base found in 50 tries");
}
