// Child process: the plain node:http baseline. Imports a workload module and serves its `fetch` through a
// minimal IncomingMessage → Request → Response → ServerResponse adapter, so it runs the same logic as
// every other system. Usage: node-server.ts <workload.js> <port>
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

interface WorkerModule { fetch(request: Request, env: object, ctx: object): Promise<Response> }

const [file, port] = process.argv.slice(2);
const worker = ((await import(pathToFileURL(file).href)) as { default: WorkerModule }).default;
const ctx = { waitUntil() {}, passThroughOnException() {} };

const server = createServer(async (req, res) => {
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const request = new Request(`http://${req.headers.host ?? "127.0.0.1"}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
    const response = await worker.fetch(request, {}, ctx);
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, [...response.headers].flat());
    res.end(body);
  } catch (err) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String((err as Error)?.stack ?? err));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), "127.0.0.1");
process.once("SIGTERM", () => { server.close(); server.closeAllConnections(); process.exit(0); });
