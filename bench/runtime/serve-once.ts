// Serves one request through a given instance with the runtime's own HTTP bridge, and resolves when
// the guest has returned and the response is completely written. Works with real node:http objects
// or with the in-process fakes.
import type { IncomingMessage, ServerResponse } from "node:http";
import { responder, toIncomingRequest } from "../../runtime/http-bridge.ts";
import type { Instance } from "../../runtime/instance.ts";

const NO_LIMIT = 2 ** 40;
let next = 0;

export async function serveOnce(inst: Instance, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const state = responder(res, { maxBodyBytes: NO_LIMIT });
  const request = toIncomingRequest(req, { scheme: "http", maxBodyBytes: NO_LIMIT });
  await inst.handle(`bench-${++next}`, request, state.outparam);
  const result = await state.finished;
  if (!result.sent || result.error) throw new Error(`the component gave no complete response: ${result.error ?? "nothing sent"}`);
}
