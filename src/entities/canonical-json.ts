/**
 * The canonical text of a JSON value: UTF-8, two-space indentation, LF, a
 * trailing newline, and object keys sorted by UTF-16 code unit at every level
 * (JavaScript's default sort, the order fast-json-stable-stringify uses).
 *
 * JSON.stringify cannot do this on its own: it always writes integer-like keys
 * ("10", "2") first, in numeric order, whatever order they were inserted in.
 */
import {createHash} from 'node:crypto'
import {configure} from 'safe-stable-stringify'

const stringify = configure({deterministic: true, bigint: false, circularValue: Error})

export function toCanonicalJson(value: unknown): string {
  const text = fastCanonical(value) ?? stringify(value, null, 2)
  if (text === undefined) throw new Error('Cannot serialize an undefined value as JSON.')
  return `${text}\n`
}

/**
 * The same text through the native JSON.stringify, from a copy with sorted
 * keys: several times faster than safe-stable-stringify, whose string
 * building keeps the garbage collector busy on a 2,000-report export.
 * Undefined when the value has what the native writer would order or convert
 * differently (integer-like keys, a `__proto__` key, `toJSON`, cycles): safe-stable-stringify
 * then writes it. A test holds the two to the same bytes.
 */
function fastCanonical(value: unknown): string | undefined {
  try {
    return JSON.stringify(sortedCopy(value, 0), null, 2)
  } catch (error) {
    if (error === NOT_PLAIN) return undefined
    throw error
  }
}

const NOT_PLAIN = new Error('not plain JSON data')
/** Deeper than any entity; a cycle gets here too. */
const MAX_DEPTH = 200

function sortedCopy(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'bigint') throw NOT_PLAIN
    return value
  }
  if (depth > MAX_DEPTH || typeof (value as {toJSON?: unknown}).toJSON === 'function')
    throw NOT_PLAIN
  if (Array.isArray(value)) return value.map(item => sortedCopy(item, depth + 1))
  const keys = Object.keys(value).sort()
  // An ordinary object, which JSON.stringify writes several times faster than one
  // without a prototype. Assigning "__proto__" to it would set its prototype
  // instead of a key: safe-stable-stringify writes such a value.
  const copy: Record<string, unknown> = {}
  for (const key of keys) {
    if (key === '__proto__' || isIndexLike(key)) throw NOT_PLAIN
    copy[key] = sortedCopy((value as Record<string, unknown>)[key], depth + 1)
  }
  return copy
}

/** Keys JavaScript objects keep in numeric order before all others. */
function isIndexLike(key: string): boolean {
  const first = key.charCodeAt(0)
  return first >= 0x30 && first <= 0x39 && /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1
}

/** SHA-256 (hex) of a value's canonical JSON: equal for equal content, whatever the key order. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(toCanonicalJson(value)).digest('hex')
}
