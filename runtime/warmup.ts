// The synthetic request that warms an app at deploy: GET / through a throwaway instance with the
// response discarded, so V8 compiles the guest's request path before real traffic arrives.
import { Fields } from "./host/fields.ts";
import { IncomingBody, IncomingRequest, OutgoingBody, ResponseOutparam } from "./host/http-types.ts";
import type { Instance } from "./instance.ts";

export async function warmupRequest(inst: Instance): Promise<void> {
  const request = new IncomingRequest({
    method: "GET",
    path: "/",
    scheme: "http",
    authority: "warmup.outpost.invalid",
    headers: Fields.fromHost([["user-agent", "outpost-warmup"], ["x-outpost-warmup", "1"]]),
    body: new IncomingBody(null, () => undefined),
  });
  const outparam = new ResponseOutparam((result) => {
    if (result.tag === "ok") {
      const body: OutgoingBody = result.val.takenBody();
      body.attach({ write() {} });
    }
  });
  await inst.handle("warmup", request, outparam);
}
