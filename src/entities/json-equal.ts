/**
 * Pure: equality of JSON values by content, whatever the key order; a property
 * holding `undefined` counts as absent, as in JSON. Much cheaper than comparing
 * canonical texts, because nothing is serialized.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const x = a as Record<string, unknown>
  const y = b as Record<string, unknown>
  let count = 0
  for (const key in x) {
    if (x[key] === undefined) continue
    count++
    if (!deepEqual(x[key], y[key])) return false
  }
  for (const key in y) if (y[key] !== undefined) count--
  return count === 0
}
