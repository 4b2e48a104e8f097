/**
 * Pure: a fast check of JSON text that `JSON.parse` already accepted, for the
 * keys `JSON.parse` silently tolerates: duplicates (the last one wins) and
 * prototype-polluting names. One pass over the characters, no tree: reading
 * 2,000 entity files this way costs a fraction of a full position-tracking
 * parse (json-document.ts), which is then only needed to report a problem.
 * Cheaper still, `hasSuspiciousKeysIn` first counts keys, and only scans when
 * the counts leave a doubt.
 */

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const QUOTE = 34
const BACKSLASH = 92

/**
 * `hasSuspiciousKeys` for text `JSON.parse` turned into `value`, several times
 * cheaper when nothing is wrong, by counting instead of remembering keys:
 * every key of the text ends in an unescaped quote followed by a colon, so the
 * text has at most as many keys as it has such quotes (a string value that
 * starts with a colon adds one). `JSON.parse` keeps one property per
 * repeated key, so the value has as many properties as the text has keys only
 * when no key repeats. Equal counts therefore prove there is no duplicate; any
 * other count, or a forbidden name in the value, gets the full scan.
 */
export function hasSuspiciousKeysIn(text: string, value: unknown): boolean {
  const properties = countProperties(value)
  if (properties >= 0 && properties === countKeyEnds(text)) return false
  return hasSuspiciousKeys(text)
}

/** Own properties of every object in `value`; -1 at a forbidden name. No recursion: any depth. */
function countProperties(value: unknown): number {
  let count = 0
  const pending: object[] = []
  if (typeof value === 'object' && value !== null) pending.push(value)
  while (pending.length > 0) {
    const item = pending.pop() as Record<string, unknown>
    if (Array.isArray(item)) {
      for (const element of item as unknown[])
        if (typeof element === 'object' && element !== null) pending.push(element)
      continue
    }
    const keys = Object.keys(item)
    count += keys.length
    for (const key of keys) {
      if (FORBIDDEN_KEYS.has(key)) return -1
      const child = item[key]
      if (typeof child === 'object' && child !== null) pending.push(child)
    }
  }
  return count
}

/** A quote followed by JSON whitespace and a colon: where a key ends (or a value starts with ':'). */
const KEY_END = /"(?=[ \t\n\r]*:)/g

/** Quotes of `text` that may end a key: as KEY_END, and not escaped (an even run of backslashes before). */
function countKeyEnds(text: string): number {
  let count = 0
  KEY_END.lastIndex = 0
  while (KEY_END.test(text)) {
    let backslashes = 0
    for (let i = KEY_END.lastIndex - 2; text.charCodeAt(i) === BACKSLASH; i--) backslashes++
    if (backslashes % 2 === 0) count++
  }
  return count
}

/** True when some object of `text` repeats a key or has a forbidden one. `text` must be valid JSON. */
export function hasSuspiciousKeys(text: string): boolean {
  // One entry per open container: the keys seen so far (objects) or null (arrays).
  const stack: (Set<string> | null)[] = []
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) {
      const start = i
      let escaped = false
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c === BACKSLASH) {
          escaped = true
          i++
        } else if (c === QUOTE) break
      }
      const keys = stack[stack.length - 1]
      if (!keys || !isFollowedByColon(text, i + 1)) continue
      const raw = text.slice(start, i + 1)
      const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1)
      if (keys.has(key) || FORBIDDEN_KEYS.has(key)) return true
      keys.add(key)
    } else if (code === 123 /* { */) stack.push(new Set())
    else if (code === 91 /* [ */) stack.push(null)
    else if (code === 125 /* } */ || code === 93 /* ] */) stack.pop()
  }
  return false
}

function isFollowedByColon(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 58 /* : */) return true
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return false
  }
  return false
}
