// The rules of durable queues, as pure functions (spec/events.md): queue names, the limits of one send
// (Workers Queues' limits), the retry backoff and what happens to a message its consumer retries.
// Every violation is a 400 whose message names the field and the limit.
import type { OutgoingQueueMessage } from "../../runtime/events.ts";
import { QUEUE_NAME } from "../../core/config/schema.ts";
import { HttpError } from "../http/errors.ts";

export const QUEUE_LIMITS = {
  messageBytes: 128 * 1024,
  requestBytes: 256 * 1024,
  messagesPerRequest: 100,
  maxDelaySeconds: 43_200,
  contentTypes: ["json", "text", "bytes"] as readonly string[],
};

/**
 * The queue name, or a 400 naming the rule. The config's rule (core/config/schema.ts): a name the API
 * accepted but no `[[queues.consumers]]` could name would pile up messages nobody can consume.
 */
export function checkQueueName(name: string, field: string = "queue"): string {
  if (!QUEUE_NAME.re.test(name)) throw new HttpError(400, "invalid_queue_name", `${field} '${name}' must be ${QUEUE_NAME.rule}`);
  return name;
}

const bad = (code: string, field: string, rule: string) => new HttpError(400, code, `${field} ${rule}`);

function messageBody(value: unknown, field: string, msgpack: boolean): Buffer {
  if (msgpack) {
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw bad("invalid_body", field, "must be bytes (a msgpack bin)");
  }
  if (typeof value === "string") return Buffer.from(value, "utf8");
  throw bad("invalid_body", field, "must be a string (UTF-8 text; send msgpack for raw bytes)");
}

/**
 * The messages of a send request body `{messages: [{body, contentType, delaySeconds?}]}`: bodies are bytes
 * in msgpack, UTF-8 strings in JSON. Checks every limit; the first violation is thrown.
 */
export function parseSend(body: Record<string, unknown>, msgpack: boolean): OutgoingQueueMessage[] {
  const list = body.messages;
  if (!Array.isArray(list) || list.length === 0) throw bad("bad_request", "field 'messages'", "must be a non-empty array of {body, contentType, delaySeconds?}");
  if (list.length > QUEUE_LIMITS.messagesPerRequest) {
    throw bad("too_many_messages", "field 'messages'", `has ${list.length} messages, over the limit of ${QUEUE_LIMITS.messagesPerRequest} per request`);
  }
  let total = 0;
  return list.map((item: unknown, i) => {
    const at = `field 'messages[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) throw bad("bad_request", `${at}'`, "must be an object {body, contentType, delaySeconds?}");
    const m = item as Record<string, unknown>;
    const bytes = messageBody(m.body, `${at}.body'`, msgpack);
    if (bytes.length > QUEUE_LIMITS.messageBytes) {
      throw bad("message_too_large", `${at}.body'`, `is ${bytes.length} bytes, over the limit of ${QUEUE_LIMITS.messageBytes} bytes (128 KB) per message`);
    }
    total += bytes.length;
    if (total > QUEUE_LIMITS.requestBytes) {
      throw bad("request_too_large", "field 'messages'", `bodies add up to more than ${QUEUE_LIMITS.requestBytes} bytes (256 KB), the limit per request`);
    }
    const contentType = m.contentType;
    if (typeof contentType !== "string" || !QUEUE_LIMITS.contentTypes.includes(contentType)) {
      throw bad("invalid_content_type", `${at}.contentType'`, `must be one of ${QUEUE_LIMITS.contentTypes.join(", ")}, got ${JSON.stringify(contentType ?? null)}`);
    }
    if (contentType === "json") {
      try {
        JSON.parse(bytes.toString("utf8"));
      } catch {
        throw bad("invalid_body", `${at}.body'`, "is not valid JSON, but contentType is json");
      }
    }
    const delay = m.delaySeconds;
    if (delay !== undefined && delay !== null && (typeof delay !== "number" || !Number.isInteger(delay) || delay < 0 || delay > QUEUE_LIMITS.maxDelaySeconds)) {
      throw bad("invalid_delay", `${at}.delaySeconds'`, `must be an integer from 0 to ${QUEUE_LIMITS.maxDelaySeconds} (12 hours), got ${JSON.stringify(delay)}`);
    }
    const out: OutgoingQueueMessage = { body: bytes, contentType };
    if (typeof delay === "number" && delay > 0) out.delaySeconds = delay;
    return out;
  });
}

/** How long a retried message waits before it is visible again: `baseMs` doubling per delivery, at most 30 s. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), 30_000);
}

export type AfterRetry = "retry" | "dead-letter" | "drop";

/**
 * A message delivered `attempts` times (this delivery included) was retried: it goes round again until it
 * has been delivered `1 + maxRetries` times, then to the dead-letter queue, or is dropped without one.
 */
export function afterRetry(attempts: number, maxRetries: number, deadLetterQueue: string | null): AfterRetry {
  if (attempts < 1 + maxRetries) return "retry";
  return deadLetterQueue ? "dead-letter" : "drop";
}
