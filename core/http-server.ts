// How every HTTP server of an edge node treats its connections (the main thread's and each runtime thread's own).
/** Idle keep-alive connections close after 5 s; a request has no overall timeout (bodies and log tails may stream). */
export const EDGE_SERVER_OPTIONS = Object.freeze({ keepAliveTimeout: 5_000, requestTimeout: 0 });
