// Types of compile-cache.js (plain JavaScript so that it runs before Node's TypeScript stripper loads).
export function useCompileCache(): void;
