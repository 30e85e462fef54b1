// msgpack of an object with one large binary field (a version upload's 13 MB component), written as
// msgpackr would write it but as a list of pieces whose last is the bytes themselves, never copied:
// msgpackr's pack() grows its buffer and copies such a field (50-80 ms for a component on 2 cores), and
// a fresh 13 MB array alone costs ~40 ms in page faults here. An HTTP client sends the pieces in order.
import { pack } from "msgpackr";

/** The msgpack map of `fields` (undefined ones left out) plus `name: bytes` as bin32, last, as pieces. */
export function packWithBytes(fields: Record<string, unknown>, name: string, bytes: Uint8Array): Uint8Array[] {
  const keys = Object.keys(fields).filter((k) => fields[k] !== undefined && k !== name);
  if (keys.length + 1 > 15) throw new Error("packWithBytes: at most 14 other fields (a fixmap)");
  const parts: Uint8Array[] = [Uint8Array.of(0x80 | (keys.length + 1))];
  for (const k of keys) parts.push(pack(k), pack(fields[k]));
  const head = Buffer.alloc(5);
  head[0] = 0xc6; // bin 32
  head.writeUInt32BE(bytes.byteLength, 1);
  parts.push(pack(name), head, bytes);
  return parts;
}
