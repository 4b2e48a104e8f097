/**
 * The canonical text of a JSON value: UTF-8, two-space indentation, LF, a
 * trailing newline, and object keys sorted by UTF-16 code unit at every level
 * (JavaScript's default sort, the order fast-json-stable-stringify uses).
 *
 * JSON.stringify cannot do this on its own: it always writes integer-like keys
 * ("10", "2") first, in numeric order, whatever order they were inserted in.
 */
import {configure} from 'safe-stable-stringify'

const stringify = configure({deterministic: true, bigint: false, circularValue: Error})

export function toCanonicalJson(value: unknown): string {
  const text = stringify(value, null, 2)
  if (text === undefined) throw new Error('Cannot serialize an undefined value as JSON.')
  return `${text}\n`
}
