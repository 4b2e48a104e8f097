/**
 * Pure normalization: an entity as Optimize exports it → the canonical entity we
 * commit, and back to an import payload. No I/O.
 *
 * What changes, and why (README "File format"):
 * - `collectionId` is dropped: it names the source environment, and import takes
 *   the target collection from the query (optimize-api.md §4.1 step 12).
 * - `data.userTaskReport` is dropped: a derived getter, ignored on import (§3.2).
 * - `data.configuration.xml` of process reports is dropped: Optimize refills it
 *   from the target's definition on import (§4.1 step 9g). Decision reports keep
 *   their DMN XML, moved to a sidecar file so diffs stay readable.
 * - Dashboard tiles are ordered by position; set-like arrays (definition
 *   versions and tenants) are sorted. Key order is the serializer's job.
 */
import type {CombinedReport, Entity, ProcessReport, Tile} from '../optimize/schemas.js'
import {toCanonicalJson} from './canonical-json.js'

export interface NormalizedEntity<T extends Entity = Entity> {
  entity: T
  /** DMN XML of a decision report, kept beside its JSON file. */
  decisionXml?: string
}

export function normalizeEntity<T extends Entity>(input: T): NormalizedEntity<T> {
  return normalize(input) as NormalizedEntity<T>
}

// Copies only along the paths it changes: exports carry 10-50 KB of XML per
// report, and a deep clone of thousands of them costs more than the export.
function normalize(input: Entity): NormalizedEntity {
  if (input.exportEntityType === 'dashboard') {
    const {collectionId: _environment, ...dashboard} = input
    return {entity: {...dashboard, tiles: [...dashboard.tiles].sort(compareTiles)}}
  }
  const {collectionId: _environment, ...report} = input
  const {userTaskReport: _derived, ...data} = report.data as Record<string, unknown>
  if (report.exportEntityType === 'combined_report') {
    return {entity: {...report, data: data as CombinedReport['data']}}
  }
  const single = data as ProcessReport['data']
  if (single.definitions) single.definitions = single.definitions.map(sortedDefinition)
  let decisionXml: string | undefined
  if (single.configuration && 'xml' in single.configuration) {
    const {xml, ...withoutXml} = single.configuration
    single.configuration = withoutXml
    if (report.exportEntityType === 'single_decision_report' && typeof xml === 'string')
      decisionXml = xml
  }
  return {entity: {...report, data: single}, decisionXml}
}

/** Tiles in reading order: top to bottom, left to right; ties broken by content. */
export function compareTiles(a: Tile, b: Tile): number {
  return compareCells(
    a,
    b,
    tile => `${tile.type ?? ''}\u0000${tile.id}\u0000${toCanonicalJson(tile)}`
  )
}

/**
 * Reading order of tiles (top to bottom, left to right), ties in one cell
 * broken by `tieKey`: the one tile order of files and of fingerprints, which
 * break ties without ids (promotion-compare.ts).
 */
export function compareCells<T extends Pick<Tile, 'position'>>(
  a: T,
  b: T,
  tieKey: (tile: T) => string
): number {
  return (
    a.position.y - b.position.y ||
    a.position.x - b.position.x ||
    compareStrings(tieKey(a), tieKey(b))
  )
}

/** A definition with its set-like arrays, versions and tenants, in a fixed order. */
export function sortedDefinition<T extends {versions?: string[]; tenantIds?: (string | null)[]}>(
  definition: T
): T {
  return {
    ...definition,
    ...(Array.isArray(definition.versions) && {
      versions: [...definition.versions].sort(compareVersions)
    }),
    ...(Array.isArray(definition.tenantIds) && {
      tenantIds: [...definition.tenantIds].sort(compareTenants)
    })
  }
}

/** Numeric versions in numeric order after the keywords ("all", "latest"). */
function compareVersions(a: string, b: string): number {
  const numA = /^\d+$/.test(a) ? Number(a) : undefined
  const numB = /^\d+$/.test(b) ? Number(b) : undefined
  if (numA !== undefined && numB !== undefined) return numA - numB
  if (numA !== undefined) return 1
  if (numB !== undefined) return -1
  return compareStrings(a, b)
}

/** `null` (Camunda 7's "not defined" tenant) first, then by code unit. */
export function compareTenants(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return compareStrings(a, b)
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** `items` grouped by `key`, each group in the order given. */
export function groupBy<K, T>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const value = key(item)
    const group = groups.get(value)
    if (group) group.push(item)
    else groups.set(value, [item])
  }
  return groups
}

/**
 * The import payload for a committed entity: the decision XML goes back into
 * the configuration. Nothing else is needed: Optimize ignores `collectionId`
 * in files and refills process XML itself.
 */
export function toImportPayload(entity: Entity, decisionXml?: string): Entity {
  const payload = structuredClone(entity)
  if (payload.exportEntityType === 'single_decision_report' && decisionXml !== undefined) {
    payload.data.configuration = {...(payload.data.configuration ?? {}), xml: decisionXml}
  }
  return payload
}
