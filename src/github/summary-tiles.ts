/**
 * Pure: how a dashboard's tiles changed. Report tiles are matched by report id
 * and external-page tiles by URL. Text tiles have no identity (their id is ""),
 * so they are matched by position first, then by equal content: a text tile
 * whose text is unchanged but which sits elsewhere has moved.
 */
import {REPORT_ID_PATTERN, type Tile} from '../optimize/schemas.js'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {urlHost} from '../entities/dashboard-svg.js'
import {compareStrings, compareTiles, groupBy} from '../entities/normalize.js'

export interface Point {
  x: number
  y: number
}

export interface Size {
  width: number
  height: number
}

export interface TileRef {
  type: 'report' | 'text' | 'external_url'
  /** Report name (or id when unknown), URL host, or empty for text tiles. */
  label: string
  reportId?: string
}

export interface TileChange {
  kind: 'added' | 'removed' | 'changed'
  tile: TileRef
  /** Where the tile is now (where it was, for a removed tile). */
  position: Point
  dimensions: Size
  /** For a changed tile: where it was and how big. */
  previous?: {position: Point; dimensions: Size}
  moved?: boolean
  resized?: boolean
  /** The tile's configuration (text, URL, report options) changed. */
  reconfigured?: boolean
}

type Pair = [Tile | undefined, Tile | undefined]

export function diffTiles(
  before: readonly Tile[],
  after: readonly Tile[],
  reportName: (id: string) => string
): TileChange[] {
  const pairs = pairByKey(before, after)
  // Unmatched text tiles with the same content: moved rather than removed + added.
  const lonelyOld = pairs.filter(([o, n]) => o && !n && refOf(o, reportName).type === 'text')
  for (const pair of pairs.filter(([o, n]) => !o && n && refOf(n, reportName).type === 'text')) {
    const content = toCanonicalJson(pair[1]?.configuration ?? null)
    const match = lonelyOld.find(([o]) => toCanonicalJson(o?.configuration ?? null) === content)
    if (!match) continue
    lonelyOld.splice(lonelyOld.indexOf(match), 1)
    pair[0] = match[0]
    match[0] = undefined
  }
  const changes: TileChange[] = []
  for (const [oldTile, newTile] of pairs) {
    if (!oldTile && !newTile) continue // the old half of a text tile paired above
    const change = compare(oldTile, newTile, reportName)
    if (change) changes.push(change)
  }
  return changes.sort(
    (a, b) =>
      a.position.y - b.position.y ||
      a.position.x - b.position.x ||
      compareStrings(a.kind, b.kind) ||
      compareStrings(a.tile.label, b.tile.label)
  )
}

function pairByKey(before: readonly Tile[], after: readonly Tile[]): Pair[] {
  const group = (tiles: readonly Tile[]): Map<string, Tile[]> =>
    groupBy([...tiles].sort(compareTiles), keyOf)
  const oldGroups = group(before)
  const newGroups = group(after)
  const keys = [...new Set([...oldGroups.keys(), ...newGroups.keys()])].sort(compareStrings)
  const pairs: Pair[] = []
  for (const key of keys) {
    const olds = oldGroups.get(key) ?? []
    const news = newGroups.get(key) ?? []
    for (let i = 0; i < Math.max(olds.length, news.length); i++) pairs.push([olds[i], news[i]])
  }
  return pairs
}

function compare(
  oldTile: Tile | undefined,
  newTile: Tile | undefined,
  reportName: (id: string) => string
): TileChange | undefined {
  const current = (newTile ?? oldTile) as Tile
  const base = {
    tile: refOf(current, reportName),
    position: {...current.position},
    dimensions: {...current.dimensions}
  }
  if (!oldTile) return {...base, kind: 'added'}
  if (!newTile) return {...base, kind: 'removed'}
  const moved =
    oldTile.position.x !== newTile.position.x || oldTile.position.y !== newTile.position.y
  const resized =
    oldTile.dimensions.width !== newTile.dimensions.width ||
    oldTile.dimensions.height !== newTile.dimensions.height
  const reconfigured =
    toCanonicalJson(oldTile.configuration ?? null) !==
    toCanonicalJson(newTile.configuration ?? null)
  if (!moved && !resized && !reconfigured) return undefined
  return {
    ...base,
    kind: 'changed',
    previous: {position: {...oldTile.position}, dimensions: {...oldTile.dimensions}},
    moved,
    resized,
    reconfigured
  }
}

/** The URL of an external-page tile; legacy exports stored it as the tile id. */
function externalUrl(tile: Tile): string {
  const configuration = tile.configuration as {external?: unknown} | null | undefined
  return typeof configuration?.external === 'string' ? configuration.external : tile.id
}

export function tileKind(tile: Tile): TileRef['type'] {
  if (tile.type === 'text') return 'text'
  if (tile.type === 'external_url') return 'external_url'
  if (tile.type === undefined && !REPORT_ID_PATTERN.test(tile.id) && /^https?:/i.test(tile.id)) {
    return 'external_url'
  }
  return 'report'
}

function keyOf(tile: Tile): string {
  const kind = tileKind(tile)
  if (kind === 'text') return `text:${tile.position.x},${tile.position.y}`
  if (kind === 'external_url') return `url:${externalUrl(tile)}`
  return `report:${tile.id}`
}

function refOf(tile: Tile, reportName: (id: string) => string): TileRef {
  const kind = tileKind(tile)
  if (kind === 'text') return {type: 'text', label: ''}
  if (kind === 'external_url') return {type: 'external_url', label: urlHost(externalUrl(tile))}
  return {type: 'report', label: reportName(tile.id), reportId: tile.id}
}
