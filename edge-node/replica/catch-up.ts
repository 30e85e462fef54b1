// Catch-up without wasted work: a region replaying a backlog (it was down, or fell behind) looks at
// the entries already received after the one it applies, and skips the `prepare` and `activate`
// entries that a later entry of the same app makes moot, so it prepares only what the end state
// needs: the version set still active at the end, and a deployment still preparing at the end (and
// it reloads an app for a secret change only when no later change of a secret it binds follows).
// Skipping needs evidence (a later entry seen), so an incomplete look-ahead only costs work.
import { hasSeq } from "./entries.ts";

/** What the follower knows around the entry being applied. */
export interface ApplyContext {
  /** Entries received after this one, not applied yet, in log order. */
  later?: readonly unknown[];
  /** True when the entry was already in the log when the stream opened (a replay, not live). */
  backlog?: boolean;
}

type AppEntry = { seq: number; t: string; app: string; deployId?: string; name?: string };

function sameApp(app: string, later: readonly unknown[], kinds: readonly string[], accept: (e: AppEntry) => boolean = () => true): AppEntry | undefined {
  for (const f of later) {
    if (!hasSeq(f)) continue;
    const e = f as AppEntry;
    if (e.app === app && kinds.includes(e.t) && accept(e)) return e;
  }
  return undefined;
}

function describe(e: AppEntry): string {
  if (e.t === "app.delete") return `seq ${e.seq} deletes the app`;
  if (e.t.startsWith("secret.")) return `seq ${e.seq} changes the app's secrets again`;
  return `seq ${e.seq} ${e.t === "prepare" ? "prepares" : "activates"} deploy ${e.deployId}`;
}

/**
 * Why a `prepare` needs no work here, or null. A later prepare of the app supersedes its deployment,
 * a later activate settled it (and prepares what it activates), a later app.delete ends the app.
 */
export function preparedInVain(e: { app: string }, ctx: ApplyContext): string | null {
  const later = sameApp(e.app, ctx.later ?? [], ["prepare", "activate", "app.delete"]);
  return later ? `${describe(later)} later in the log` : null;
}

/** Why an `activate` need not switch anything here, or null: a later activate or app.delete replaces it. */
export function activatedInVain(e: { app: string }, ctx: ApplyContext): string | null {
  const later = sameApp(e.app, ctx.later ?? [], ["activate", "app.delete"]);
  return later ? `${describe(later)} later in the log` : null;
}

/**
 * Why a secret change need not reload the app now, or null: a later change of a secret the served
 * versions declare (that one reloads them, with every value), or app.delete, follows. A later change
 * of an undeclared secret reloads nothing, so it does not count.
 */
export function reloadedInVain(e: { app: string }, ctx: ApplyContext, declared: (name: string) => boolean = () => true): string | null {
  const later = sameApp(e.app, ctx.later ?? [], ["secret.put", "secret.delete", "app.delete"], (l) => l.t === "app.delete" || declared(l.name ?? ""));
  return later ? `${describe(later)} later in the log` : null;
}

/** Entry kinds whose decision depends on what follows (the follower waits to see the backlog's end). */
export function decidesOnLater(frame: unknown): boolean {
  const t = (frame as { t?: unknown }).t;
  return t === "prepare" || t === "activate" || t === "secret.put" || t === "secret.delete";
}
