/**
 * Pure: the release plan. Which dashboards and standalone reports of the files
 * are created, replaced or unchanged in the target collection, and what is
 * deleted, with reasons.
 *
 * Identity is the name (identity.ts): a dashboard in git is the one of the target collection
 * with the same name (standalone reports likewise), compared by fingerprint
 * (promotion-compare.ts). Several target dashboards with one name are resolved
 * deterministically: if one equals the file it is kept (the smallest id among
 * equal ones) and the others are deleted as leftovers of an interrupted or
 * replaced release; if none equals, all of them are replaced. This is what
 * makes a rerun after any crash converge.
 */
import type {Entity} from '../optimize/schemas.js'
import {groupByName} from './identity.js'
import {compareStrings} from './normalize.js'
import {Fingerprinter, standaloneReports, unitsOf, type EntityIndex} from './promotion-compare.js'
import {markDrift, type ImportRecord, type OnDrift, type TargetChange} from './drift.js'
import {describeDifferences} from './promotion-differences.js'
import {compareRefs, orphansOf, removedRoots} from './promotion-removal.js'

/** skip: a unit that drifted, left as the target has it (`on-drift: skip`, drift.ts). */
export type PlanAction = 'create' | 'replace' | 'unchanged' | 'delete' | 'skip'
export type UnitKind = 'dashboard' | 'report'

export interface PlanItem {
  kind: UnitKind
  action: PlanAction
  name: string
  /** The entity file, relative to `path` (not for deletions). */
  file?: string
  /** unchanged: the kept id; replace: the ids replaced; delete: the id deleted. */
  targetIds: string[]
  reasons: string[]
  /** replace: what differs, target → file. */
  changes: string[]
  /**
   * delete: `prune` removes content git does not have (bounded by
   * `max-deletions`); `leftover` removes a copy of what the plan keeps.
   */
  cause?: 'prune' | 'leftover'
  /** With a record of the last import: what changed since, in git and in the target (drift.ts). */
  since?: {git: boolean; target?: TargetChange}
}

export interface TargetRef {
  kind: UnitKind
  id: string
  name: string
}

export interface PlanBody {
  items: PlanItem[]
  /** Target reports deleted because nothing references them once the plan is applied. */
  orphanedReports: TargetRef[]
  /** In the target collection, not in git, kept because prune is off. */
  unmanaged: TargetRef[]
}

export interface PlanInput {
  git: EntityIndex
  /** Entity id → file of the git side. */
  files: ReadonlyMap<string, string>
  target: EntityIndex
  /** Report ids listed in the target collection: the only reports ever deleted. */
  targetReportIds: ReadonlySet<string>
  prune: boolean
  /** The target's fingerprints, which the plan's basis shares. */
  targetPrints: Fingerprinter
  /** The files' fingerprints, which the record of an import shares. */
  gitPrints: Fingerprinter
  /** The record of the last import into this target, and what to do with drift (drift.ts). */
  lastImport?: {record: ImportRecord; onDrift: OnDrift}
}

export function computePlan(input: PlanInput): PlanBody {
  const {git, target, gitPrints, targetPrints} = input
  const items: PlanItem[] = []
  const unmanaged: TargetRef[] = []

  const gitUnits = unitsOf(git)
  const targetUnits = unitsOf(target)

  // Reports on git dashboards, by content: an unreferenced target copy is a leftover.
  // Hashed only when the target has unreferenced reports git does not name.
  const standaloneIds = new Set(gitUnits.report.map(r => r.id))
  let onDashboards: Map<string, string> | undefined
  const leftoverOf = (report: Entity): string | undefined => {
    if (!onDashboards) {
      onDashboards = new Map()
      for (const r of git.reports.values())
        if (!standaloneIds.has(r.id)) onDashboards.set(gitPrints.hash(r), r.name)
    }
    return onDashboards.get(targetPrints.hash(report))
  }

  for (const kind of ['dashboard', 'report'] as const) {
    const byName = groupByName(targetUnits[kind])
    const label = kind === 'dashboard' ? 'dashboard' : 'standalone report'
    for (const unit of gitUnits[kind]) {
      const file = input.files.get(unit.id)
      const same = byName.get(unit.name) ?? []
      byName.delete(unit.name)
      const item = {kind, name: unit.name, file, changes: [] as string[]}
      if (same.length === 0) {
        items.push({
          ...item,
          action: 'create',
          targetIds: [],
          reasons: [`no ${label} named '${unit.name}' in the target collection`]
        })
        continue
      }
      const equal = same.filter(t => gitPrints.equals(unit, targetPrints, t))
      if (equal.length > 0) {
        const [kept, ...extra] = equal
        items.push({
          ...item,
          action: 'unchanged',
          targetIds: [kept.id],
          reasons: [`equals the file (${label} ${kept.id})`]
        })
        for (const other of [...extra, ...same.filter(t => !equal.includes(t))])
          items.push(
            deletion(
              kind,
              unit.name,
              other.id,
              'leftover',
              `another ${label} named '${unit.name}' (${kept.id}) equals the file and is kept; this one is a leftover of an interrupted or earlier release`
            )
          )
        continue
      }
      const reasons = ['differs from the file']
      if (same.length > 1)
        reasons.push(
          `${same.length} ${label}s in the target are named '${unit.name}' and none equals the file: all are replaced`
        )
      const changes = describeDifferences(targetPrints.of(same[0]), gitPrints.of(unit))
      items.push({...item, action: 'replace', targetIds: same.map(t => t.id), reasons, changes})
    }
    // What is left is in the target only.
    for (const [name, others] of byName) {
      for (const other of others) {
        const copyOf = kind === 'report' ? leftoverOf(other) : undefined
        if (copyOf !== undefined)
          items.push(
            deletion(
              kind,
              name,
              other.id,
              'leftover',
              `nothing references it and it equals report '${copyOf}' of a dashboard in git: a leftover of an interrupted release`
            )
          )
        else if (input.prune)
          items.push(deletion(kind, name, other.id, 'prune', `not in git, and prune is on`))
        else unmanaged.push({kind, id: other.id, name})
      }
    }
  }

  if (input.lastImport) {
    const gitByName = unitsByName(git)
    const targetDashboards = new Map(target.dashboards.map(d => [d.id, d]))
    markDrift(items, {
      ...input.lastImport,
      gitDigest: (kind, name) => {
        const unit = gitByName.get(kind, name)
        return unit && gitPrints.hash(unit)
      },
      targetDigest: (kind, id) => {
        const entity = kind === 'dashboard' ? targetDashboards.get(id) : target.reports.get(id)
        return entity ? targetPrints.hash(entity) : ''
      }
    })
  }
  items.sort(compareItems)
  unmanaged.sort(compareRefs)
  // Reports only the replaced or deleted entities reach; reports other entities use stay.
  const removed = new Set(removedRoots({items}).map(root => root.id))
  return {items, orphanedReports: orphansOf(removed, target, input.targetReportIds), unmanaged}
}

function deletion(
  kind: UnitKind,
  name: string,
  id: string,
  cause: PlanItem['cause'],
  reason: string
): PlanItem {
  return {kind, action: 'delete', name, targetIds: [id], changes: [], cause, reasons: [reason]}
}

/** The dashboards and standalone reports of one side by kind and name (the first of a name). */
export function unitsByName(index: EntityIndex): {
  get(kind: UnitKind, name: string): Entity | undefined
} {
  const byName = new Map<string, Entity>()
  const add = (kind: UnitKind, unit: Entity): void => {
    if (!byName.has(`${kind}:${unit.name}`)) byName.set(`${kind}:${unit.name}`, unit)
  }
  for (const unit of index.dashboards) add('dashboard', unit)
  for (const unit of standaloneReports(index)) add('report', unit)
  return {get: (kind, name) => byName.get(`${kind}:${name}`)}
}

const ACTION_ORDER: Record<PlanAction, number> = {
  create: 0,
  replace: 1,
  delete: 2,
  skip: 3,
  unchanged: 4
}

function compareItems(a: PlanItem, b: PlanItem): number {
  return (
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.name, b.name) ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    compareStrings(a.targetIds.join(), b.targetIds.join())
  )
}
