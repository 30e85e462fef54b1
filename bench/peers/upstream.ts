// Child process: the local upstream the "fetch" workload calls, a node:http server on 127.0.0.1 that
// answers every request with the same 256 bytes of text. Usage: upstream.ts <port>; stops on SIGTERM.
import { createServer } from "node:http";
import { UPSTREAM_TEXT } from "./workloads/index.ts";

const body = Buffer.from(UPSTREAM_TEXT);
const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2]), "127.0.0.1");
process.once("SIGTERM", () => { server.close(); server.closeAllConnections(); process.exit(0); });
