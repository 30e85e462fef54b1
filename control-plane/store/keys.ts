// Byte keys of the `kv` db: utf8(namespace) 0x00 utf8(key). Namespace ids never contain 0x00, so one
// namespace's keys are contiguous and ordered by the key's UTF-8 bytes. Also the key range of one app's secrets.

export function kvKey(namespace: string, key: string): Buffer {
  return Buffer.concat([Buffer.from(namespace, "utf8"), Buffer.from([0]), Buffer.from(key, "utf8")]);
}

/** The first byte string after every key of the namespace. */
export function kvNamespaceEnd(namespace: string): Buffer {
  return Buffer.concat([Buffer.from(namespace, "utf8"), Buffer.from([1])]);
}

/** The user key inside a db key of the namespace. */
export function kvKeyName(namespace: string, dbKey: Uint8Array): string {
  return Buffer.from(dbKey.buffer, dbKey.byteOffset, dbKey.byteLength).toString("utf8", Buffer.byteLength(namespace) + 1);
}

/** The `secrets` db range of one app's keys ([app, name]; names are ASCII identifiers). */
export function secretRange(app: string): { start: [string]; end: [string, string] } {
  return { start: [app], end: [app, "\uffff"] };
}
