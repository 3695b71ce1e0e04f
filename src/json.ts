/** A parsed JSON value that is an object (not null, not an array): the one guard every module uses. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
