/**
 * Pure: identity and comparison of dashboards and reports across two Optimize
 * instances, where ids mean nothing (import always makes new ones,
 * optimize-api.md §4).
 *
 * - A *unit* is what a release creates or replaces as a whole: a dashboard with
 *   every report its tiles reach (combined reports bring their children), or a
 *   standalone report (one that nothing references) with its children.
 * - A *fingerprint* is a unit's normalized content with every id abstracted
 *   away: a report tile holds the referenced report's fingerprint instead of its
 *   id. Fields Optimize sets itself on import (ids, collection, index version,
 *   process XML, derived flags) are left out, so a fresh import of a file has
 *   the same fingerprint as the file.
 */
import {
  REPORT_ID_PATTERN,
  isDashboard,
  tileReportIds,
  type Dashboard,
  type Entity,
  type Report
} from '../optimize/schemas.js'
import {hash} from 'node:crypto'
import {configure} from 'safe-stable-stringify'
import {compareCells, compareStrings, sortedDefinition} from './normalize.js'
import type {UnitKind} from './promotion-plan.js'

type Json = unknown

/** Entities of one side, normalized, reports by id. */
export interface EntityIndex {
  dashboards: Dashboard[]
  reports: Map<string, Report>
}

/** Entities by kind; not copied (fingerprints normalize what they compare). */
export function indexEntities(entities: readonly Entity[]): EntityIndex {
  const index: EntityIndex = {dashboards: [], reports: new Map()}
  for (const entity of entities) {
    const current = fromLegacy(entity)
    if (isDashboard(current)) index.dashboards.push(current)
    else index.reports.set(current.id, current)
  }
  return index
}

/** Dashboards of Optimize 3.9 and older (index ≤ 6) carry `reports` instead of `tiles` (§3.3). */
export function fromLegacy(entity: Entity): Entity {
  const raw = entity as Record<string, unknown>
  if (raw.exportEntityType !== 'dashboard' || Array.isArray(raw.tiles)) return entity
  const items = Array.isArray(raw.reports) ? (raw.reports as Record<string, unknown>[]) : []
  const {reports: _legacy, ...rest} = raw
  const tiles = items.map(item => {
    const id = typeof item.id === 'string' ? item.id : ''
    const isUrl = /^https?:\/\//.test(id)
    return {
      ...item,
      id: isUrl ? '' : id,
      type: REPORT_ID_PATTERN.test(id) ? 'optimize_report' : isUrl ? 'external_url' : 'text',
      configuration: isUrl ? {external: id} : (item.configuration ?? null)
    }
  })
  return {...rest, tiles} as unknown as Entity
}

/** The ids an entity references: UUID tile ids of a dashboard, children of a combined report. */
export function referencedIds(entity: Entity): string[] {
  if (isDashboard(entity)) return tileReportIds(entity)
  if (entity.exportEntityType === 'combined_report') return entity.data.reports.map(r => r.id)
  return []
}

/** Every report id reachable from `roots`, the roots' own reports included. */
export function reachableReports(
  roots: readonly Entity[],
  reports: ReadonlyMap<string, Report>
): Set<string> {
  const seen = new Set<string>()
  const stack = roots.flatMap(referencedIds)
  for (const root of roots) if (!isDashboard(root)) stack.push(root.id)
  while (stack.length) {
    const id = stack.pop() as string
    if (seen.has(id)) continue
    seen.add(id)
    const report = reports.get(id)
    if (report) stack.push(...referencedIds(report))
  }
  return seen
}

/** Reports that no dashboard and no combined report references, sorted by name then id. */
export function standaloneReports(index: EntityIndex): Report[] {
  const referenced = new Set<string>()
  for (const entity of [...index.dashboards, ...index.reports.values()])
    for (const id of referencedIds(entity)) referenced.add(id)
  return [...index.reports.values()]
    .filter(report => !referenced.has(report.id))
    .sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id))
}

/** A dashboard or report of one side, by kind and id. */
export function entityOf(index: EntityIndex, kind: UnitKind, id: string): Entity | undefined {
  return kind === 'dashboard' ? index.dashboards.find(d => d.id === id) : index.reports.get(id)
}

/** The units of one side by kind: its dashboards and its standalone reports (new arrays). */
export function unitsOf(index: EntityIndex): Record<UnitKind, Entity[]> {
  return {dashboard: [...index.dashboards], report: standaloneReports(index)}
}

/** Compact deterministic JSON, for hashing only (the canonical text is indented). */
const stableStringify = configure({deterministic: true, bigint: false, circularValue: Error})

function hashOf(value: unknown): string {
  return hash('sha256', stableStringify(value) ?? 'undefined')
}

/**
 * Fingerprints of one side, cached per report (reports are shared by
 * dashboards). `hash` is a fingerprint's digest, where every report is
 * stood for by its own digest, so each report is serialized once however
 * many dashboards show it: two units are equal when their digests are.
 * `of` gives the full content, only to describe differences.
 */
export class Fingerprinter {
  readonly #prints = new Map<string, Json>()
  readonly #hashes = new Map<string, string>()
  readonly #dashboardHashes = new Map<string, string>()

  constructor(private readonly index: Pick<EntityIndex, 'reports'>) {}

  /** A unit's content without ids: dashboard or report. */
  of(entity: Entity): Json {
    return isDashboard(entity)
      ? this.dashboard(entity, id => this.report(id))
      : this.report(entity.id)
  }

  /** Same content as `entity` of another side: equal fingerprints, compared by digest. */
  equals(entity: Entity, other: Fingerprinter, otherEntity: Entity): boolean {
    if (entity.exportEntityType !== otherEntity.exportEntityType) return false
    return this.hash(entity) === other.hash(otherEntity)
  }

  hash(entity: Entity): string {
    if (!isDashboard(entity)) return this.reportHash(entity.id)
    let hash = this.#dashboardHashes.get(entity.id)
    if (hash === undefined) {
      hash = hashOf(this.dashboard(entity, id => ({hash: this.reportHash(id)})))
      this.#dashboardHashes.set(entity.id, hash)
    }
    return hash
  }

  report(id: string, trail: ReadonlySet<string> = new Set()): Json {
    let print = this.#prints.get(id)
    if (print === undefined) {
      const inner = new Set([...trail, id])
      print = this.reportContent(id, trail, child => this.report(child, inner))
      this.#prints.set(id, print)
    }
    return print
  }

  reportHash(id: string, trail: ReadonlySet<string> = new Set()): string {
    let hash = this.#hashes.get(id)
    if (hash === undefined) {
      const inner = new Set([...trail, id])
      hash = hashOf(this.reportContent(id, trail, child => ({hash: this.reportHash(child, inner)})))
      this.#hashes.set(id, hash)
    }
    return hash
  }

  /** A report without ids, with what Optimize sets on import left out; children through `child`. */
  private reportContent(id: string, trail: ReadonlySet<string>, child: (id: string) => Json): Json {
    const report = this.index.reports.get(id)
    // A dangling reference (validate catches it in files) still compares stably.
    if (!report || trail.has(id)) return {missingReport: true}
    const {id: _id, collectionId: _c, sourceIndexVersion: _v, ...rest} = report
    const {userTaskReport: _u, ...data} = report.data as Record<string, unknown>
    const configuration = data.configuration as Record<string, unknown> | null | undefined
    if (configuration && typeof configuration === 'object') {
      // Optimize fills the definition XML from the target on import (§4.1 step 9g).
      const {xml: _x, ...withoutXml} = configuration
      data.configuration = withoutXml
    }
    if (report.exportEntityType === 'combined_report') {
      data.reports = report.data.reports.map(({id: childId, ...item}) => ({
        ...item,
        report: child(childId)
      }))
    } else if (Array.isArray(data.definitions)) {
      data.definitions = (data.definitions as {versions?: string[]}[]).map(sortedDefinition)
    }
    return {...rest, description: report.description ?? null, data}
  }

  private dashboard(dashboard: Dashboard, report: (id: string) => Json): Json {
    const {id: _id, collectionId: _c, sourceIndexVersion: _v, tiles, ...rest} = dashboard
    const keyed = tiles.map(tile => {
      const {id, ...other} = tile
      const base = {...other, configuration: tile.configuration ?? null}
      const isReport = REPORT_ID_PATTERN.test(id)
      const abstract: AbstractTile = isReport ? {...base, report: report(id)} : {...base, id}
      // Ties (same cell) are broken by content, never by id: the report's name stands for it.
      const name = isReport ? (this.index.reports.get(id)?.name ?? '') : ''
      let key: string | undefined
      const tieKey = (): string =>
        (key ??= stableStringify({...base, id: isReport ? '' : id, name}) ?? '')
      return {position: tile.position, tile: abstract, tieKey}
    })
    keyed.sort((a, b) => compareCells(a, b, k => k.tieKey()))
    return {
      ...rest,
      description: dashboard.description ?? null,
      instantPreviewDashboard: dashboard.instantPreviewDashboard ?? false,
      tiles: keyed.map(k => k.tile)
    }
  }
}

export interface AbstractTile {
  position: {x: number; y: number}
  dimensions: {width: number; height: number}
  type?: string
  configuration: unknown
  id?: string
  report?: Json
}
