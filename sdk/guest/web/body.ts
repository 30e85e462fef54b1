// Fixes to the Body mixin of Request and Response: bytes() where missing, and formData() and blob()
// where the engine's are wrong (StarlingMonkey's formData() turns a file part's bytes into their decimal
// text, "x" read back as "120"; its blob() has no type). Whether they are wrong can only be seen by
// reading a body, which is asynchronous and makes a Response, so it is found on the first call (once
// per instance) and the prototype then holds the native or the fix for good.
import { defineMethod, hasMethod } from "./define.ts";
import { parseMimeType, serializeMimeType } from "./mime.ts";
import { parseMultipart } from "./multipart.ts";

type Body = Request | Response;
type Read<T> = (this: Body) => Promise<T>;

/** Body.bytes(): the body as a Uint8Array. */
export async function bytes(this: Body): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await this.arrayBuffer());
}

const mimeTypeOf = (body: Body) => parseMimeType(body.headers.get("content-type") ?? "");

/** blob() whose type is the body's MIME type, as Fetch says. */
export async function blob(this: Body): Promise<Blob> {
  const mime = mimeTypeOf(this);
  return new Blob([await this.arrayBuffer()], { type: mime ? serializeMimeType(mime) : "" });
}

/** formData() that parses a multipart body itself and leaves any other body to `native`. */
export function formDataWith(native: Read<FormData>): Read<FormData> {
  return async function formData(this: Body): Promise<FormData> {
    const mime = mimeTypeOf(this);
    const boundary = mime?.essence === "multipart/form-data" ? mime.params.get("boundary") : undefined;
    if (!boundary) return native.call(this);
    return parseMultipart(new Uint8Array(await this.arrayBuffer()), boundary);
  };
}

const PROBE_TYPE = "multipart/form-data; boundary=b";
const PROBE_BODY = '--b\r\nContent-Disposition: form-data; name="f"; filename="f"\r\nContent-Type: a/b\r\n\r\nx\r\n--b--\r\n';

/** Whether the engine's formData() keeps a file part's bytes and its blob() a body's type. */
export const nativeChecks = {
  formData: async (native: Read<FormData>) => {
    const file = (await native.call(new Response(PROBE_BODY, { headers: { "content-type": PROBE_TYPE } }))).get("f");
    return file instanceof Blob && (await file.text()) === "x";
  },
  blob: async (native: Read<Blob>) => (await native.call(new Response("", { headers: { "content-type": "a/b" } }))).type === "a/b",
};

/**
 * Puts a stand-in for `name` on each prototype. The first call asks `works` (given the first
 * prototype's native, which it calls on a Response) whether the native is right, and puts on every
 * prototype its native or its fix for good.
 */
export function checkedOnFirstCall<T>(protos: Body[], name: "formData" | "blob", works: (native: Read<T>) => Promise<boolean>, fix: (native: Read<T>) => Read<T>): void {
  const natives = protos.map((p) => p[name] as unknown as Read<T>);
  let chosen: Promise<Read<T>[]> | undefined;
  const choose = async () => {
    const ok = await works(natives[0]).catch(() => false);
    const readers = natives.map((native) => (ok ? native : fix(native)));
    protos.forEach((proto, i) => defineMethod(proto, name, readers[i]));
    return readers;
  };
  protos.forEach((proto, i) => {
    defineMethod(proto, name, {
      async [name](this: Body): Promise<T> {
        chosen ??= choose();
        return (await chosen)[i].call(this);
      },
    }[name]);
  });
}

export function installBodyFixes(): void {
  const protos = [Response.prototype, Request.prototype]; // Response first: the checks read a Response
  for (const proto of protos) if (!hasMethod(proto, "bytes")) defineMethod(proto, "bytes", bytes);
  checkedOnFirstCall(protos, "formData", nativeChecks.formData, formDataWith);
  checkedOnFirstCall(protos, "blob", nativeChecks.blob, () => blob);
}
