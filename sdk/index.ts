// The "outpost" package as app authors import it: handler and binding types.
export type * from "./types.ts";
