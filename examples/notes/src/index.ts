// The notes example: a JSON API built with itty-router's AutoRouter, its notes kept in KV. Each note
// is one key `note:<id>` whose value is `{title, body}` and whose metadata is `{title, updatedAt}`,
// so `GET /notes` lists titles from `list()` alone, without reading any value.
//   GET    /notes[?limit=&cursor=]  -> {notes: [{id, title, updatedAt}], cursor?}
//   GET    /notes/:id               -> {id, title, body, updatedAt}              (404 when missing)
//   PUT    /notes/:id  {title, body?} -> the note; 201 when created, 200 when replaced
//   DELETE /notes/:id               -> {id, deleted: true}                       (404 when missing)
// Errors are `{error, message}` JSON: 400 for bad input, 404, 413 for a note over MAX_NOTE_BYTES.
import { AutoRouter, json, type IRequest, type RouterType } from "itty-router";
import type { ExecutionContext, KVNamespace } from "outpost";

interface Env { NOTES: KVNamespace; MAX_NOTE_BYTES: number }
interface Note { title: string; body: string }
interface NoteMeta { title: string; updatedAt: string }
type Args = [Env, ExecutionContext];

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PREFIX = "note:";

const fail = (status: number, error: string, message: string) => json({ error, message }, { status });

/** The `:id` of the route, or a 400 response. */
function noteId(request: IRequest): string | Response {
  let id = request.params.id;
  try { id = decodeURIComponent(id); } catch { /* not percent-encoding: refused below as it is */ }
  return ID.test(id) ? id : fail(400, "invalid_id", `note id ${JSON.stringify(id)} must be 1-64 lowercase letters, digits or '-', starting with a letter or digit`);
}

/** The note in the request body, or a 400 / 413 response. */
async function readNote(request: IRequest, env: Env): Promise<Note | Response> {
  const text = await request.text();
  if (new TextEncoder().encode(text).byteLength > env.MAX_NOTE_BYTES) return fail(413, "too_large", `a note is at most ${env.MAX_NOTE_BYTES} bytes of JSON`);
  let body: unknown;
  try { body = JSON.parse(text); } catch { return fail(400, "invalid_json", "the body must be JSON: {\"title\": string, \"body\"?: string}"); }
  const { title, body: content = "" } = (body ?? {}) as Record<string, unknown>;
  if (typeof title !== "string" || title.trim() === "" || title.length > 200) return fail(400, "invalid_title", "title must be a non-empty string of at most 200 characters");
  if (typeof content !== "string") return fail(400, "invalid_body", "body must be a string");
  return { title, body: content };
}

// Handlers receive (request, env, ctx): the router's fetch is Workers-shaped and passes them on.
const router: RouterType<IRequest, Args> = AutoRouter({
  catch: (err: unknown) => fail(500, "internal", (err as Error).message),
});

router
  .get("/notes", async (request, env) => {
    const limit = request.query.limit === undefined ? 100 : Number(request.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return fail(400, "invalid_limit", "limit must be an integer from 1 to 1000");
    const page = await env.NOTES.list<NoteMeta>({ prefix: PREFIX, limit, cursor: request.query.cursor as string | undefined });
    const notes = page.keys.map((k) => ({ id: k.name.slice(PREFIX.length), title: k.metadata?.title, updatedAt: k.metadata?.updatedAt }));
    return page.list_complete ? { notes } : { notes, cursor: page.cursor };
  })
  .get("/notes/:id", async (request, env) => {
    const id = noteId(request);
    if (id instanceof Response) return id;
    const { value, metadata } = await env.NOTES.getWithMetadata<Note, NoteMeta>(PREFIX + id, "json");
    if (value === null) return fail(404, "not_found", `no note '${id}'`);
    return { id, ...value, updatedAt: metadata?.updatedAt };
  })
  .put("/notes/:id", async (request, env) => {
    const id = noteId(request);
    if (id instanceof Response) return id;
    const note = await readNote(request, env);
    if (note instanceof Response) return note;
    const existed = (await env.NOTES.get(PREFIX + id)) !== null;
    const updatedAt = new Date().toISOString();
    await env.NOTES.put(PREFIX + id, JSON.stringify(note), { metadata: { title: note.title, updatedAt } satisfies NoteMeta });
    return json({ id, ...note, updatedAt }, { status: existed ? 200 : 201 });
  })
  .delete("/notes/:id", async (request, env) => {
    const id = noteId(request);
    if (id instanceof Response) return id;
    if ((await env.NOTES.get(PREFIX + id)) === null) return fail(404, "not_found", `no note '${id}'`);
    await env.NOTES.delete(PREFIX + id);
    return { id, deleted: true };
  })
  .all("*", (request) => fail(404, "not_found", `no route for ${request.method} ${new URL(request.url).pathname}`));

export default router;
