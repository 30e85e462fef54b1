// The control plane process's body (control-plane/main.js starts it after turning on the compile cache):
// `node control-plane/main.js [--port 8780] [--data .outpost/control-plane]`.
// Prints `ready http://127.0.0.1:<port>` once serving; SIGINT/SIGTERM close the store cleanly.
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { startControlPlane } from "./server.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8780" },
    data: { type: "string", default: ".outpost/control-plane" },
    host: { type: "string", default: "127.0.0.1" },
    "deadline-ms": { type: "string" },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`control plane: --port must be an integer from 0 to 65535, got '${values.port}'`);
  process.exit(2);
}
const deadlineMs = values["deadline-ms"] === undefined ? undefined : Number(values["deadline-ms"]);
if (deadlineMs !== undefined && !(Number.isInteger(deadlineMs) && deadlineMs > 0)) {
  console.error(`control plane: --deadline-ms must be a positive integer, got '${values["deadline-ms"]}'`);
  process.exit(2);
}

const cp = await startControlPlane({ dataDir: resolve(values.data), port, host: values.host, deadlineMs }).catch((e: Error) => {
  console.error(`control plane: cannot start: ${e.message}`);
  process.exit(1);
});
console.log(`ready ${cp.url}`);
console.error(`control plane: data ${resolve(values.data)}; admin token from ${cp.tokenSources.admin}; region token from ${cp.tokenSources.region}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`control plane: ${signal}, closing`);
  cp.close().then(
    () => process.exit(0),
    (e: Error) => {
      console.error(`control plane: close failed: ${e.message}`);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
