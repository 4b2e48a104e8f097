/**
 * Strict JSON parsing for committed files, with positions: syntax errors,
 * duplicate keys and prototype-polluting keys are reported with line and
 * column, and any JSON path can be located for schema errors. Pure.
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
import {hasSuspiciousKeysIn} from './json-keys.js'

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

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export function parseJsonDocument(text: string): JsonDocument {
  // Most files are fine: JSON.parse plus a one-pass key check is far cheaper than
  // a position-tracking parse, which is then only built if a position is asked for.
  const fast = parseFast(text)
  if (fast) return fast
  return parseWithPositions(text)
}

function parseFast(text: string): JsonDocument | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (hasSuspiciousKeysIn(text, value)) return undefined
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
