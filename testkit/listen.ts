// A test's own HTTP (or TCP) server on 127.0.0.1 and a free port; resolves its base URL.
import type { Server, AddressInfo } from "node:net";

/** Listens on 127.0.0.1:0 (or `port`) and resolves `http://127.0.0.1:<port>`. */
export async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes the server (and, for an HTTP server, its idle keep-alive connections). */
export function close(server: Server & { closeAllConnections?(): void }): Promise<void> {
  return new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections?.(); });
}
