// How KV lives in the region's LMDB: the binary key `namespace \0 key` (so keys sort in UTF-8
// byte order within a namespace, as the KV semantics list them) and the stored record.

/** A stored KV record. A tombstone marks a delete this region made ahead of the log (read as missing). */
export interface KvRecord {
  value?: Uint8Array;
  metadata?: string;
  /** Seconds since the epoch. */
  expiration?: number;
  seq: number;
  tombstone?: true;
}

export function kvKey(namespace: string, key: string): Buffer {
  return Buffer.concat([Buffer.from(namespace, "utf8"), Buffer.of(0), Buffer.from(key, "utf8")]);
}

/** The first and one-past-last keys of a namespace's range. */
export function namespaceRange(namespace: string): { start: Buffer; end: Buffer } {
  const ns = Buffer.from(namespace, "utf8");
  return { start: Buffer.concat([ns, Buffer.of(0)]), end: Buffer.concat([ns, Buffer.of(1)]) };
}

/** The user key of a stored binary key of `namespace`. */
export function userKey(stored: Uint8Array, namespace: string): string {
  return Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength).toString("utf8", Buffer.byteLength(namespace, "utf8") + 1);
}
