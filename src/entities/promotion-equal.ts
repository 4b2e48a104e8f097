/**
 * Pure: "do these two units have the same fingerprint?" answered without
 * building the fingerprints (promotion-compare.ts). Both entities are walked
 * side by side, skipping what a fingerprint leaves out, so an unchanged plan
 * copies nothing: building the fingerprints of 2,000 reports on each side
 * cost more than comparing them.
 *
 * `true` is only ever answered when the fingerprints are equal. Whatever the
 * walk does not model answers `false` (tiles sharing a cell, a missing or
 * cyclic report, a configuration that is an array), and the caller then
 * compares the fingerprints themselves: the fingerprint stays the one
 * definition of equal. Keep the two in step: every field a fingerprint
 * derives must be compared here from what it is derived from.
 */
import {deepEqual} from './json-equal.js'
import {compareStrings} from './normalize.js'
import {REPORT_ID_PATTERN, type Dashboard, type Entity, type Report} from '../optimize/schemas.js'

type Fields = Record<string, unknown>

/** Left out of a report's fingerprint, or compared apart (description, data). */
const REPORT_SKIP = new Set(['id', 'collectionId', 'sourceIndexVersion', 'description', 'data'])
const SINGLE_DATA_SKIP = new Set(['userTaskReport', 'configuration', 'definitions'])
const COMBINED_DATA_SKIP = new Set(['userTaskReport', 'configuration', 'reports'])
const CONFIGURATION_SKIP = new Set(['xml'])
const PART_SKIP = new Set(['id', 'report'])
const DASHBOARD_SKIP = new Set([
  'id',
  'collectionId',
  'sourceIndexVersion',
  'tiles',
  'description',
  'instantPreviewDashboard'
])
const REPORT_TILE_SKIP = new Set(['id', 'configuration', 'report'])
const OTHER_TILE_SKIP = new Set(['id', 'configuration'])

/** One side of a comparison: its reports by id. */
export type ReportsById = ReadonlyMap<string, Report>

export class QuickEqual {
  /** Report pairs already walked (a → b → answer): reports are shared by dashboards. */
  readonly #pairs = new Map<string, Map<string, boolean>>()

  constructor(
    private readonly a: ReportsById,
    private readonly b: ReportsById
  ) {}

  /** Dashboards, or reports by their ids in each side's index. */
  units(x: Entity, y: Entity): boolean {
    if (x.exportEntityType !== y.exportEntityType) return false
    if (x.exportEntityType === 'dashboard') return this.dashboards(x, y as Dashboard)
    return this.reports(x.id, y.id, new Set(), new Set())
  }

  private dashboards(x: Dashboard, y: Dashboard): boolean {
    if (!sameFields(x, y, DASHBOARD_SKIP)) return false
    if (!deepEqual(x.description ?? null, y.description ?? null)) return false
    if (!deepEqual(x.instantPreviewDashboard ?? false, y.instantPreviewDashboard ?? false))
      return false
    const tilesX = inCellOrder(x.tiles)
    const tilesY = inCellOrder(y.tiles)
    if (!tilesX || !tilesY || tilesX.length !== tilesY.length) return false
    for (let i = 0; i < tilesX.length; i++) {
      const tileX = tilesX[i] as unknown as Fields
      const tileY = tilesY[i] as unknown as Fields
      const isReport = REPORT_ID_PATTERN.test(tilesX[i].id)
      if (isReport !== REPORT_ID_PATTERN.test(tilesY[i].id)) return false
      if (!sameFields(tileX, tileY, isReport ? REPORT_TILE_SKIP : OTHER_TILE_SKIP)) return false
      if (!deepEqual(tileX.configuration ?? null, tileY.configuration ?? null)) return false
      if (isReport) {
        if (!this.reports(tilesX[i].id, tilesY[i].id, new Set(), new Set())) return false
      } else if (tilesX[i].id !== tilesY[i].id) return false
    }
    return true
  }

  /** `trailX`, `trailY`: the reports on the way here, to stop at a cycle. */
  private reports(idX: string, idY: string, trailX: Set<string>, trailY: Set<string>): boolean {
    let known = this.#pairs.get(idX)
    const cached = known?.get(idY)
    if (cached !== undefined) return cached
    // A missing or cyclic report has a fingerprint of its own; the fingerprints decide.
    const x = this.a.get(idX)
    const y = this.b.get(idY)
    if (!x || !y || trailX.has(idX) || trailY.has(idY)) return false
    trailX.add(idX)
    trailY.add(idY)
    const same = this.reportContent(x, y, trailX, trailY)
    trailX.delete(idX)
    trailY.delete(idY)
    if (!known) this.#pairs.set(idX, (known = new Map<string, boolean>()))
    known.set(idY, same)
    return same
  }

  private reportContent(x: Report, y: Report, trailX: Set<string>, trailY: Set<string>): boolean {
    if (x.exportEntityType !== y.exportEntityType) return false
    if (!sameFields(x, y, REPORT_SKIP)) return false
    if (!deepEqual(x.description ?? null, y.description ?? null)) return false
    const dataX = x.data as Fields
    const dataY = y.data as Fields
    if (!isRecord(dataX) || !isRecord(dataY)) return false
    const combined = x.exportEntityType === 'combined_report'
    if (!sameFields(dataX, dataY, combined ? COMBINED_DATA_SKIP : SINGLE_DATA_SKIP)) return false
    if (!sameConfiguration(dataX.configuration, dataY.configuration)) return false
    if (!combined) return sameDefinitions(dataX.definitions, dataY.definitions)
    const partsX = dataX.reports
    const partsY = dataY.reports
    if (!Array.isArray(partsX) || !Array.isArray(partsY) || partsX.length !== partsY.length)
      return false
    for (let i = 0; i < partsX.length; i++) {
      const partX = partsX[i] as Fields
      const partY = partsY[i] as Fields
      if (!isRecord(partX) || !isRecord(partY) || !sameFields(partX, partY, PART_SKIP)) return false
      if (typeof partX.id !== 'string' || typeof partY.id !== 'string') return false
      if (!this.reports(partX.id, partY.id, trailX, trailY)) return false
    }
    return true
  }
}

/** Fingerprints leave out the XML of an object configuration; anything else is compared as is. */
function sameConfiguration(x: unknown, y: unknown): boolean {
  const objectX = Boolean(x) && typeof x === 'object'
  const objectY = Boolean(y) && typeof y === 'object'
  if (!objectX && !objectY) return deepEqual(x, y)
  if (!isRecord(x) || !isRecord(y)) return false
  return sameFields(x, y, CONFIGURATION_SKIP)
}

/** Definitions compare with versions and tenants as sets, as in the fingerprint. */
function sameDefinitions(x: unknown, y: unknown): boolean {
  if (!Array.isArray(x) || !Array.isArray(y)) return deepEqual(x, y)
  const definitionsX = x as Fields[]
  const definitionsY = y as Fields[]
  if (x.length !== y.length) return false
  for (let i = 0; i < x.length; i++) {
    if (!deepEqual(sortedDefinition(definitionsX[i]), sortedDefinition(definitionsY[i])))
      return false
  }
  return true
}

/** Versions and tenants are sets: compared in a fixed order (as normalize.ts writes them). */
export function sortedDefinition(definition: Record<string, unknown>): Record<string, unknown> {
  const sorted = {...definition}
  if (Array.isArray(definition.versions))
    sorted.versions = [...(definition.versions as string[])].sort(compareStrings)
  if (Array.isArray(definition.tenantIds))
    sorted.tenantIds = [...(definition.tenantIds as (string | null)[])].sort((a, b) =>
      compareStrings(a ?? '', b ?? '')
    )
  return sorted
}

/**
 * Tiles in the fingerprint's order (top to bottom, left to right), or
 * undefined when two share a cell (the fingerprint then orders by content) or
 * a position is not a pair of finite numbers.
 */
function inCellOrder(tiles: Dashboard['tiles']): Dashboard['tiles'] | undefined {
  if (!Array.isArray(tiles)) return undefined
  for (const tile of tiles) {
    const position = tile.position as Partial<Dashboard['tiles'][number]['position']> | null
    if (!Number.isFinite(position?.x) || !Number.isFinite(position?.y)) return undefined
  }
  const sorted = [...tiles].sort(byCell)
  for (let i = 1; i < sorted.length; i++)
    if (byCell(sorted[i - 1], sorted[i]) === 0) return undefined
  return sorted
}

function byCell(a: Dashboard['tiles'][number], b: Dashboard['tiles'][number]): number {
  return a.position.y - b.position.y || a.position.x - b.position.x
}

/**
 * deepEqual of the two objects with the `skip` fields taken out: a field
 * holding `undefined` counts as absent, as in JSON.
 */
function sameFields(x: object, y: object, skip: ReadonlySet<string>): boolean {
  const a = x as Fields
  const b = y as Fields
  let count = 0
  for (const key in a) {
    if (skip.has(key) || a[key] === undefined) continue
    count++
    if (!deepEqual(a[key], b[key])) return false
  }
  for (const key in b) if (!skip.has(key) && b[key] !== undefined) count--
  return count === 0
}

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
