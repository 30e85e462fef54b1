// TextDecoderStream and TextEncoderStream (Encoding §7.4-7.5) where the engine lacks them: transform
// streams over TextDecoder's streaming decode and TextEncoder, subclasses of TransformStream as in workerd.
import { defineGlobal } from "./define.ts";

function enqueueText(controller: TransformStreamDefaultController<string>, text: string): void {
  if (text) controller.enqueue(text);
}

export class TextDecoderStream extends TransformStream<AllowSharedBufferSource, string> {
  readonly #decoder: TextDecoder;

  /** Throws a RangeError for an unknown label, as TextDecoder does; a chunk that is no BufferSource, or bytes `fatal` refuses, error the stream with a TypeError. */
  constructor(label = "utf-8", options: TextDecoderOptions = {}) {
    const decoder = new TextDecoder(label, options);
    super({
      transform(chunk, controller) { enqueueText(controller, decoder.decode(chunk, { stream: true })); },
      flush(controller) { enqueueText(controller, decoder.decode()); },
    });
    this.#decoder = decoder;
  }

  get encoding(): string { return this.#decoder.encoding; }
  get fatal(): boolean { return this.#decoder.fatal; }
  get ignoreBOM(): boolean { return this.#decoder.ignoreBOM; }

  static { Object.defineProperty(this.prototype, Symbol.toStringTag, { value: "TextDecoderStream", configurable: true }); }
}

const REPLACEMENT = [0xef, 0xbf, 0xbd]; // U+FFFD in UTF-8

export class TextEncoderStream extends TransformStream<string, Uint8Array<ArrayBuffer>> {
  constructor() {
    const encoder = new TextEncoder();
    let highSurrogate = ""; // the last chunk's final code unit when it opens a surrogate pair
    super({
      transform(chunk, controller) {
        let text = highSurrogate + String(chunk);
        highSurrogate = "";
        const last = text.charCodeAt(text.length - 1);
        if (last >= 0xd800 && last <= 0xdbff) {
          highSurrogate = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text) controller.enqueue(encoder.encode(text));
      },
      flush(controller) { if (highSurrogate) controller.enqueue(new Uint8Array(REPLACEMENT)); },
    });
  }

  get encoding(): string { return "utf-8"; }

  static { Object.defineProperty(this.prototype, Symbol.toStringTag, { value: "TextEncoderStream", configurable: true }); }
}

export function installTextStreams(): void {
  if (typeof globalThis.TextDecoderStream !== "function") defineGlobal("TextDecoderStream", TextDecoderStream);
  if (typeof globalThis.TextEncoderStream !== "function") defineGlobal("TextEncoderStream", TextEncoderStream);
}
