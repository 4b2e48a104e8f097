/**
 * JSON safety, in one place: what a JSON file of the action may be. Strict
 * parsing with positions (syntax errors, duplicate keys, which JSON.parse
 * silently resolves, and prototype-polluting keys are reported with line
 * and column; any JSON path can be located for schema errors), and the size
 * an entity file may have, which export, validate and import all apply. Pure.
 */
import {
  findNodeAtLocation,
  getNodeValue,
  parseTree,
  printParseErrorCode,
  visit,
  type Node,
  type ParseError
} from 'jsonc-parser'

export interface Position {
  line: number
  column: number
}

export interface JsonProblem extends Position {
  message: string
}

export interface JsonDocument {
  value: unknown
  problems: JsonProblem[]
  /** Where a JSON path starts in the text (the whole document when not found). */
  locate(path: readonly (string | number)[]): Position
}

/**
 * Largest entity file (JSON or .dmn) export writes and validate and import
 * read. Real ones are well under 1 MB; the bound keeps a hostile file from
 * exhausting memory.
 */
export const MAX_ENTITY_FILE_BYTES = 10 * 1024 * 1024

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const QUOTE = 34
const BACKSLASH = 92

export function parseJsonDocument(text: string): JsonDocument {
  // Most files are fine: JSON.parse plus a one-pass key check is far cheaper than
  // a position-tracking parse, which is then only built if a position is asked for.
  return parseFast(text) ?? parseWithPositions(text)
}

function parseFast(text: string): JsonDocument | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (hasSuspiciousKeys(text)) return undefined
  let slow: JsonDocument | undefined
  return {value, problems: [], locate: path => (slow ??= parseWithPositions(text)).locate(path)}
}

function parseWithPositions(text: string): JsonDocument {
  const lineStarts = computeLineStarts(text)
  const position = (offset: number): Position => positionOf(lineStarts, offset)
  const problems: JsonProblem[] = []
  const errors: ParseError[] = []
  const options = {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false}
  const root = parseTree(text, errors, options)
  for (const error of errors) {
    problems.push({
      ...position(error.offset),
      message: `invalid JSON: ${describe(printParseErrorCode(error.error))}`
    })
  }

  // Keys seen per open object, to find duplicates in one pass.
  const stack: Set<string>[] = []
  visit(
    text,
    {
      onObjectBegin: () => {
        stack.push(new Set())
      },
      onObjectEnd: () => void stack.pop(),
      onObjectProperty: (key, offset) => {
        const seen = stack[stack.length - 1]
        if (seen?.has(key))
          problems.push({...position(offset), message: `duplicate key ${JSON.stringify(key)}`})
        seen?.add(key)
        if (FORBIDDEN_KEYS.has(key))
          problems.push({...position(offset), message: `forbidden key ${JSON.stringify(key)}`})
      }
    },
    options
  )

  problems.sort((a, b) => a.line - b.line || a.column - b.column)
  return {
    value: root && problems.length === 0 ? toPlain(getNodeValue(root)) : undefined,
    problems,
    locate: path => {
      const node = root ? findNode(root, path) : undefined
      return position(node?.offset ?? 0)
    }
  }
}

function findNode(root: Node, path: readonly (string | number)[]): Node | undefined {
  // The deepest node that exists on the way, so a missing field points at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = findNodeAtLocation(root, path.slice(0, depth))
    if (node) return node.parent?.type === 'property' ? node.parent : node
  }
  return undefined
}

/** getNodeValue builds null-prototype objects; give them a normal prototype (keys are checked above). */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain)
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) result[key] = toPlain(item)
    return result
  }
  return value
}

function computeLineStarts(text: string): number[] {
  const starts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1)
  return starts
}

function positionOf(lineStarts: number[], offset: number): Position {
  let low = 0
  let high = lineStarts.length - 1
  while (low < high) {
    const mid = (low + high + 1) >> 1
    if (lineStarts[mid] <= offset) low = mid
    else high = mid - 1
  }
  return {line: low + 1, column: offset - lineStarts[low] + 1}
}

function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

/** True when some object of `text` repeats a key or has a forbidden one. `text` must be valid JSON. */
function hasSuspiciousKeys(text: string): boolean {
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
