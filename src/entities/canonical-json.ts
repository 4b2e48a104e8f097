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
  return flat(`${text}\n`)
}

/**
 * `text` as one flat string. The serializer builds its text piece by piece
 * with `+=`, and V8 keeps such a string as a tree of all its pieces until
 * something reads it whole. An export keeps the texts of thousands of files
 * until it writes them: kept as trees, their millions of pieces are copied by
 * every garbage collection of the young generation (serializing the 2,270
 * entities of the benchmark's export and then reading the texts took
 * 190–200 ms that way, 71–77 ms flat, on a quiet machine; several times more
 * under load). Measuring the UTF-8 length makes V8 flatten the string at
 * once, while its pieces are still young and die cheaply.
 */
function flat(text: string): string {
  Buffer.byteLength(text, 'utf8')
  return text
}
