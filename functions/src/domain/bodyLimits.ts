/** Structural limits checked before schema validation. Pure. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
export const MAX_JSON_DEPTH = 8;

/** Depth of a parsed JSON value; stops counting past `limit` (cheap on hostile input). */
export function jsonDepth(value: unknown, limit = MAX_JSON_DEPTH + 1): number {
  if (value === null || typeof value !== "object") return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const v of Object.values(value as Record<string, unknown>)) {
    if (v !== null && typeof v === "object") max = Math.max(max, jsonDepth(v, limit - 1));
    if (max >= limit) break;
  }
  return 1 + max;
}

/** Keys that could pollute prototypes if some code ever merged the body into an object. */
export function findForbiddenKey(value: unknown, depth = 0): string | null {
  if (value === null || typeof value !== "object" || depth > MAX_JSON_DEPTH) return null;
  for (const key of Object.keys(value as object)) {
    if (key === "__proto__" || key === "constructor" || key === "prototype") return key;
    const found = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1);
    if (found) return found;
  }
  return null;
}
