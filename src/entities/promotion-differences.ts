/**
 * Pure: what differs between two units' fingerprints (promotion-compare.ts),
 * in short lines a reviewer reads in a plan: "tile (0, 4) report 'Cycle
 * time': data.visualization 'line' → 'bar'".
 */
import microdiff from 'microdiff'
import {toCanonicalJson} from './canonical-json.js'
import type {AbstractTile} from './promotion-compare.js'

/** Most difference lines per unit; the rest is counted. */
export const MAX_DIFFERENCES = 12

/**
 * What differs between the file's fingerprint (`wanted`) and the target's
 * (`current`), in short lines: "tile (0, 4) report 'Cycle time': data.visualization 'line' → 'bar'".
 */
export function describeDifferences(current: unknown, wanted: unknown): string[] {
  const lines: string[] = []
  const a = current as Record<string, unknown>
  const b = wanted as Record<string, unknown>
  if (Array.isArray(a.tiles) && Array.isArray(b.tiles)) {
    const {tiles: tilesA, ...restA} = a
    const {tiles: tilesB, ...restB} = b
    lines.push(...diffLines(restA, restB))
    lines.push(...describeTiles(tilesA as AbstractTile[], tilesB as AbstractTile[]))
  } else {
    lines.push(...diffLines(a, b))
  }
  if (lines.length <= MAX_DIFFERENCES) return lines
  return [
    ...lines.slice(0, MAX_DIFFERENCES),
    `… and ${lines.length - MAX_DIFFERENCES} more differences`
  ]
}

function describeTiles(current: AbstractTile[], wanted: AbstractTile[]): string[] {
  const lines: string[] = []
  const remaining = [...current]
  const pending: AbstractTile[] = []
  // Identical tiles first; then pair the rest by what they show (same report name or content).
  for (const tile of wanted) {
    const key = toCanonicalJson(tile)
    const at = remaining.findIndex(other => toCanonicalJson(other) === key)
    if (at >= 0) remaining.splice(at, 1)
    else pending.push(tile)
  }
  for (const tile of pending) {
    const at = remaining.findIndex(other => tileLabel(other) === tileLabel(tile))
    if (at < 0) {
      lines.push(`tile added at ${cell(tile)}: ${tileLabel(tile)}`)
      continue
    }
    const [old] = remaining.splice(at, 1)
    const where = `tile ${cell(tile)} ${tileLabel(tile)}`
    if (cell(old) !== cell(tile)) lines.push(`${where}: moved from ${cell(old)}`)
    if (size(old) !== size(tile)) lines.push(`${where}: resized ${size(old)} → ${size(tile)}`)
    const {position: _p, dimensions: _d, ...restOld} = old
    const {position: _q, dimensions: _e, ...restNew} = tile
    lines.push(...diffLines(restOld, restNew).map(line => `${where}: ${line}`))
  }
  for (const tile of remaining) lines.push(`tile removed at ${cell(tile)}: ${tileLabel(tile)}`)
  return lines
}

function tileLabel(tile: AbstractTile): string {
  if (tile.report) {
    const name = (tile.report as {name?: unknown}).name
    return `report '${typeof name === 'string' ? name : '?'}'`
  }
  return tile.type === 'external_url' ? 'external URL' : (tile.type ?? 'tile')
}

function cell(tile: AbstractTile): string {
  return `(${tile.position.x}, ${tile.position.y})`
}

function size(tile: AbstractTile): string {
  return `${tile.dimensions.width}×${tile.dimensions.height}`
}

function diffLines(current: Record<string, unknown>, wanted: Record<string, unknown>): string[] {
  return microdiff(current, wanted).map(change => {
    const where = renderPath(change.path)
    if (change.type === 'CREATE') return `${where}: added ${show(change.value)}`
    if (change.type === 'REMOVE') return `${where}: removed (was ${show(change.oldValue)})`
    return `${where}: ${show(change.oldValue)} → ${show(change.value)}`
  })
}

function renderPath(path: readonly (string | number)[]): string {
  let text = ''
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text ? `.${part}` : part
  return text || '(value)'
}

const MAX_VALUE_CHARS = 60

function show(value: unknown): string {
  const text = typeof value === 'string' ? `'${value}'` : JSON.stringify(value ?? null)
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text
}
