// msgpack of an object with one large binary field (a version upload's 13 MB component, a KV value),
// written as msgpackr would write it but with the bytes appended in one copy: msgpackr's pack() grows
// its buffer and copies such a field at ~4 ms per MB (50-80 ms for a component), this at memcpy speed.
import { pack } from "msgpackr";

/** The msgpack map of `fields` (undefined ones left out) plus `name: bytes` as bin32, last. */
export function packWithBytes(fields: Record<string, unknown>, name: string, bytes: Uint8Array): Buffer {
  const keys = Object.keys(fields).filter((k) => fields[k] !== undefined && k !== name);
  if (keys.length + 1 > 15) throw new Error("packWithBytes: at most 14 other fields (a fixmap)");
  const parts: Uint8Array[] = [Uint8Array.of(0x80 | (keys.length + 1))];
  for (const k of keys) parts.push(pack(k), pack(fields[k]));
  const head = Buffer.alloc(5);
  head[0] = 0xc6; // bin 32
  head.writeUInt32BE(bytes.byteLength, 1);
  parts.push(pack(name), head, bytes);
  return Buffer.concat(parts);
}
