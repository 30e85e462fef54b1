// What Intl.Segmenter#segment returns in the guest: the host sends the start of every segment (and, for
// word granularity, whether each is word-like) in one call; iterating and containing() are local.

/** [segment starts, "1"/"0" per segment for isWordLike or null when the granularity has none]. */
export type SegmentData = [number[], string | null];

export interface Segment { segment: string; index: number; input: string; isWordLike?: boolean }

export class Segments {
  readonly #input: string;
  readonly #starts: number[];
  readonly #wordLike: string | null;

  constructor(input: string, [starts, wordLike]: SegmentData) {
    this.#input = input;
    this.#starts = starts;
    this.#wordLike = wordLike;
  }

  #at(i: number): Segment {
    const index = this.#starts[i];
    const end = i + 1 < this.#starts.length ? this.#starts[i + 1] : this.#input.length;
    const out: Segment = { segment: this.#input.slice(index, end), index, input: this.#input };
    if (this.#wordLike !== null) out.isWordLike = this.#wordLike[i] === "1";
    return out;
  }

  /** The segment holding code unit `index` (ToIntegerOrInfinity of it), or undefined when out of range. */
  containing(index?: unknown): Segment | undefined {
    const n = Math.trunc(Number(index)) || 0;
    if (n < 0 || n >= this.#input.length) return undefined;
    let lo = 0;
    let hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid] <= n) lo = mid;
      else hi = mid - 1;
    }
    return this.#at(lo);
  }

  [Symbol.iterator](): IterableIterator<Segment> {
    let i = 0;
    const iterator = {
      next: (): IteratorResult<Segment> => (i < this.#starts.length ? { value: this.#at(i++), done: false } : { value: undefined, done: true }),
      [Symbol.iterator]() { return iterator; },
      [Symbol.toStringTag]: "Segmenter String Iterator",
    };
    return iterator;
  }
}
