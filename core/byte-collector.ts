// Gathers a body's chunks into one Buffer: straight into a buffer of the declared content-length when
// there is one (an upload or an artifact is ~13 MB: no list of chunks and second copy), else joined at
// the end. Used by the control plane for request bodies and by regions for artifact downloads.
export class ByteCollector {
  readonly declared: number;
  #into: Buffer | null;
  #chunks: Uint8Array[] = [];
  size = 0;

  /** `declared`: the content-length (NaN when none); a length past `maxPrealloc` is not allocated up front. */
  constructor(declared: number, maxPrealloc: number = 1 << 30) {
    this.declared = declared;
    this.#into = Number.isSafeInteger(declared) && declared >= 0 && declared <= maxPrealloc ? Buffer.allocUnsafe(declared) : null;
  }

  add(chunk: Uint8Array): void {
    if (this.#into && this.size + chunk.byteLength <= this.#into.length) this.#into.set(chunk, this.size);
    else this.#chunks.push(chunk);
    this.size += chunk.byteLength;
  }

  /** The bytes, or null when a declared length was allocated and another number of bytes arrived. */
  bytes(): Buffer | null {
    if (!this.#into) return Buffer.concat(this.#chunks, this.size);
    return this.size === this.#into.length && this.#chunks.length === 0 ? this.#into : null;
  }
}
