/**
 * Pure: a fast check of JSON text that `JSON.parse` already accepted, for the
 * keys `JSON.parse` silently tolerates: duplicates (the last one wins) and
 * prototype-polluting names. One pass over the characters, no tree: reading
 * 2,000 entity files this way costs a fraction of a full position-tracking
 * parse (json-document.ts), which is then only needed to report a problem.
 */

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
/** A forbidden name as a string anywhere in the text: key or value, unescaped. */
const FORBIDDEN_TEXT = /"(?:__proto__|constructor|prototype)"/
const QUOTE = 34
const BACKSLASH = 92

/**
 * `hasSuspiciousKeys` for text `JSON.parse` turned into `value`, cheaper for the
 * files the action writes itself: when the text is exactly what
 * `JSON.stringify(value, null, 2)` prints (with or without a final newline), it
 * cannot repeat a key, since the printed objects hold each property once. Only
 * forbidden names are then left to look for, and they would appear verbatim
 * (the printer escapes none of their characters). Any other text, or one that
 * mentions a forbidden name at all, gets the full scan.
 */
export function hasSuspiciousKeysIn(text: string, value: unknown): boolean {
  if (!FORBIDDEN_TEXT.test(text) && isPrintedForm(text, value)) return false
  return hasSuspiciousKeys(text)
}

function isPrintedForm(text: string, value: unknown): boolean {
  const printed = JSON.stringify(value, null, 2)
  // A native comparison of two flat strings: a fraction of the cost of scanning the text.
  return text.length === printed.length + 1
    ? text.charCodeAt(printed.length) === 10 && text.startsWith(printed)
    : text === printed
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
