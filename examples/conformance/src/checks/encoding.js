// Conformance checks: TextEncoder/TextDecoder (labels, fatal mode, BOM, streaming), atob/btoa.
import { hex, readText, throwsName } from "./util.js";

export default {
  "encoding.utf8": () => [hex(new TextEncoder().encode("héllo €😀")), new TextDecoder().decode(new Uint8Array([0x68, 0xc3, 0xa9, 0xff]))],
  "encoding.encodeInto": () => {
    const out = new Uint8Array(5);
    const r = new TextEncoder().encodeInto("a€b", out);
    return [r.read, r.written, hex(out)];
  },
  "encoding.fatal": () => throwsName(() => new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xc3]))),
  "encoding.bom": () => [new TextDecoder().decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])), new TextDecoder("utf-8", { ignoreBOM: true }).decode(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).length],
  "encoding.labels": () => [new TextDecoder("utf8").encoding, new TextDecoder("UTF-16LE").encoding, throwsName(() => new TextDecoder("no-such-encoding"))],
  "encoding.utf16": () => new TextDecoder("utf-16le").decode(new Uint8Array([0x41, 0x00, 0x3d, 0xd8, 0x00, 0xde])),
  "encoding.streaming": () => {
    const d = new TextDecoder();
    return d.decode(new Uint8Array([0xe2, 0x82]), { stream: true }) + "|" + d.decode(new Uint8Array([0xac]));
  },
  "encoding.decoderStream": async () => {
    const chunks = [new Uint8Array([0x61, 0xe2]), new Uint8Array([0x82, 0xac, 0x62])];
    const source = new ReadableStream({ start(c) { for (const ch of chunks) c.enqueue(ch); c.close(); } });
    const parts = [];
    const reader = source.pipeThrough(new TextDecoderStream()).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    return parts.join("");
  },
  "encoding.encoderStream": async () => {
    const source = new ReadableStream({ start(c) { c.enqueue("a\ud83d"); c.enqueue("\ude00b"); c.close(); } });
    return hex(await new Response(source.pipeThrough(new TextEncoderStream())).arrayBuffer());
  },
  "encoding.base64": () => [btoa("hello\u00ff"), atob("aGVsbG8="), throwsName(() => btoa("€")), throwsName(() => atob("***"))],
  "encoding.readText": async () => readText(new Blob(["a", "b"]).stream()),
};
