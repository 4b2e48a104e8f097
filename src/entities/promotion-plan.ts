/**
 * Pure: the release plan. Which dashboards and standalone reports of the files
 * are created, replaced or unchanged in the target collection, and what is
 * deleted, with reasons.
 *
 * Identity is the name: a dashboard in git is the one of the target collection
 * with the same name (standalone reports likewise), compared by fingerprint
 * (promotion-compare.ts). Several target dashboards with one name are resolved
 * deterministically: if one equals the file it is kept (the smallest id among
 * equal ones) and the others are deleted as leftovers of an interrupted or
 * replaced release; if none equals, all of them are replaced. This is what
 * makes a rerun after any crash converge.
 */
import type {Entity} from '../optimize/schemas.js'
import {compareStrings} from './normalize.js'
import {
  Fingerprinter,
  describeDifferences,
  reachableReports,
  referencedIds,
  standaloneReports,
  type EntityIndex
} from './promotion-compare.js'

/** 2: plan.json holds its basis (file and target digests), which `approved-plan` checks. */
export const PLAN_FORMAT_VERSION = 2

export type PlanAction = 'create' | 'replace' | 'unchanged' | 'delete'
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

export type PrerequisiteStatus = 'ok' | 'failed' | 'warning' | 'skipped'

export interface Prerequisite {
  check: string
  status: PrerequisiteStatus
  message: string
}

/**
 * What a plan was computed from: a SHA-256 of every file it read (relative
 * to `path`) and a digest of every entity of the target collection (by kind
 * and id: its fingerprint, promotion-compare.ts). `import` with an approved
 * plan recomputes both and applies the plan only when they are unchanged.
 */
export interface PlanBasis {
  files: Record<string, string>
  target: Record<string, string>
}

/** The run a plan was made for: an approved plan applies only to the same. */
export interface PlanTarget {
  optimizeUrl: string
  collectionId: string
  prune: boolean
}

/** plan.json: canonical JSON, deterministic (no timestamps), read by people and by `import`. */
export interface PlanDocument extends Partial<PlanBody>, PlanTarget {
  formatVersion: number
  prerequisites: Prerequisite[]
  counts: Record<PlanAction, number> & {orphanedReports: number}
  hasChanges: boolean
  basis?: PlanBasis
}

export function planDocument(
  target: PlanTarget,
  prerequisites: Prerequisite[],
  body?: PlanBody,
  basis?: PlanBasis
): PlanDocument {
  const counts = {create: 0, replace: 0, unchanged: 0, delete: 0, orphanedReports: 0}
  for (const item of body?.items ?? []) counts[item.action]++
  counts.orphanedReports = body?.orphanedReports.length ?? 0
  const hasChanges = counts.create + counts.replace + counts.delete + counts.orphanedReports > 0
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    ...target,
    prerequisites,
    ...body,
    counts,
    hasChanges,
    basis
  }
}

/**
 * The bound on what a plan may delete, so that a wrong `path`, a checkout
 * step left out or a branch without the files can never empty a target:
 * prune deletions over `max-deletions`, or of every dashboard the target
 * has, are refused unless the input allows them explicitly. Leftovers
 * (copies of what the plan keeps) are not counted: nothing is lost.
 */
export function deletionCheck(
  body: PlanBody,
  targetDashboards: number,
  maxDeletions: {limit: number; explicit: boolean}
): Prerequisite {
  const check = 'deletions'
  const pruned = body.items.filter(i => i.action === 'delete' && i.cause === 'prune')
  const dashboards = pruned.filter(i => i.kind === 'dashboard').length
  const allow = `set input 'max-deletions' to ${pruned.length} or more to allow it`
  if (pruned.length > maxDeletions.limit)
    return {
      check,
      status: 'failed',
      message: `the plan deletes ${pruned.length} dashboards and reports that are not in git, more than 'max-deletions' (${maxDeletions.limit}) allows; check 'path' and the checkout step, or ${allow}`
    }
  if (targetDashboards > 0 && dashboards === targetDashboards && !maxDeletions.explicit)
    return {
      check,
      status: 'failed',
      message: `the plan deletes every dashboard of the target collection (${dashboards}); check 'path' and the checkout step, or ${allow}`
    }
  return {
    check,
    status: 'ok',
    message: `${pruned.length} deletions for prune (at most ${maxDeletions.limit})`
  }
}

export interface PlanInput {
  git: EntityIndex
  /** Entity id → file of the git side. */
  files: ReadonlyMap<string, string>
  target: EntityIndex
  /** Report ids listed in the target collection: the only reports ever deleted. */
  targetReportIds: ReadonlySet<string>
  prune: boolean
}

export function computePlan(input: PlanInput): PlanBody {
  const {git, target} = input
  const gitPrints = new Fingerprinter(git)
  const targetPrints = new Fingerprinter(target)
  const items: PlanItem[] = []
  const unmanaged: TargetRef[] = []

  const gitStandalone = standaloneReports(git)
  const targetStandalone = standaloneReports(target)
  const units: {kind: UnitKind; gitUnits: Entity[]; targetUnits: Entity[]}[] = [
    {kind: 'dashboard', gitUnits: git.dashboards, targetUnits: target.dashboards},
    {kind: 'report', gitUnits: gitStandalone, targetUnits: targetStandalone}
  ]

  // Reports on git dashboards, by content: an unreferenced target copy is a leftover.
  // Hashed only when the target has unreferenced reports git does not name.
  const standaloneIds = new Set(gitStandalone.map(r => r.id))
  let onDashboards: Map<string, string> | undefined
  const leftoverOf = (report: Entity): string | undefined => {
    if (!onDashboards) {
      onDashboards = new Map()
      for (const r of git.reports.values())
        if (!standaloneIds.has(r.id)) onDashboards.set(gitPrints.hash(r), r.name)
    }
    return onDashboards.get(targetPrints.hash(report))
  }

  for (const {kind, gitUnits, targetUnits} of units) {
    const byName = groupByName(targetUnits)
    const label = kind === 'dashboard' ? 'dashboard' : 'standalone report'
    for (const unit of gitUnits) {
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
        for (const other of [...extra, ...same.filter(t => !equal.includes(t))]) {
          items.push({
            kind,
            action: 'delete',
            name: unit.name,
            targetIds: [other.id],
            changes: [],
            cause: 'leftover',
            reasons: [
              `another ${label} named '${unit.name}' (${kept.id}) equals the file and is kept; this one is a leftover of an interrupted or earlier release`
            ]
          })
        }
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
        const deletion = (cause: PlanItem['cause'], reason: string): PlanItem => ({
          kind,
          action: 'delete',
          name,
          targetIds: [other.id],
          changes: [],
          cause,
          reasons: [reason]
        })
        if (copyOf !== undefined) {
          items.push(
            deletion(
              'leftover',
              `nothing references it and it equals report '${copyOf}' of a dashboard in git: a leftover of an interrupted release`
            )
          )
        } else if (input.prune) {
          items.push(deletion('prune', `not in git, and prune is on`))
        } else {
          unmanaged.push({kind, id: other.id, name})
        }
      }
    }
  }

  items.sort(compareItems)
  unmanaged.sort(compareRefs)
  return {items, orphanedReports: orphanedReports(items, input), unmanaged}
}

/** Reports only the replaced or deleted entities reach; reports other entities use stay. */
function orphanedReports(items: PlanItem[], input: PlanInput): TargetRef[] {
  const removed = new Set(
    items.filter(i => i.action === 'replace' || i.action === 'delete').flatMap(i => i.targetIds)
  )
  return orphansOf(removed, input.target, input.targetReportIds)
}

/**
 * Reports that only the `removed` roots reach: what else of `index` still
 * uses a report keeps it. Only reports listed in the collection (`listed`)
 * are ever deleted.
 */
export function orphansOf(
  removed: ReadonlySet<string>,
  index: EntityIndex,
  listed: ReadonlySet<string>
): TargetRef[] {
  const roots: Entity[] = [...index.dashboards, ...standaloneReports(index)]
  const gone = roots.filter(root => removed.has(root.id))
  const kept = roots.filter(root => !removed.has(root.id))
  const keep = reachableReports(kept, index.reports)
  const orphans: TargetRef[] = []
  for (const id of reachableReports(gone, index.reports)) {
    if (keep.has(id) || removed.has(id) || !listed.has(id)) continue
    orphans.push({kind: 'report', id, name: index.reports.get(id)?.name ?? id})
  }
  return orphans.sort(compareRefs)
}

function groupByName(entities: Entity[]): Map<string, Entity[]> {
  const groups = new Map<string, Entity[]>()
  for (const entity of [...entities].sort((a, b) => compareStrings(a.id, b.id)))
    groups.set(entity.name, [...(groups.get(entity.name) ?? []), entity])
  return groups
}

const ACTION_ORDER: Record<PlanAction, number> = {create: 0, replace: 1, delete: 2, unchanged: 3}

function compareItems(a: PlanItem, b: PlanItem): number {
  return (
    compareStrings(a.kind, b.kind) ||
    compareStrings(a.name, b.name) ||
    ACTION_ORDER[a.action] - ACTION_ORDER[b.action] ||
    compareStrings(a.targetIds.join(), b.targetIds.join())
  )
}

function compareRefs(a: TargetRef, b: TargetRef): number {
  return (
    compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name) || compareStrings(a.id, b.id)
  )
}

/** A target root (dashboard or standalone report) to delete, with the reports only it used. */
export interface Removal {
  root: TargetRef
  /** In the order they are deleted: a report before any report that shows it. */
  reports: TargetRef[]
}

/**
 * Deletions root by root. Each root's reports (of `orphans`) go first:
 * Optimize takes a deleted report off every dashboard and combined report
 * (DashboardService.removeReportFromDashboards, called when a report is
 * deleted), so no tile is ever left pointing at nothing. The root goes
 * last, and only once all its reports are gone: if one cannot be deleted,
 * the root stays, and the next plan finds it again (a same-named copy of
 * what it keeps, or prune) together with what it still shows.
 */
export function removalOrder(
  roots: readonly TargetRef[],
  index: EntityIndex,
  orphans: readonly TargetRef[]
): Removal[] {
  const left = new Map(orphans.map(r => [r.id, r]))
  const removals: Removal[] = []
  for (const root of roots) {
    const entity =
      root.kind === 'dashboard'
        ? index.dashboards.find(d => d.id === root.id)
        : index.reports.get(root.id)
    const reports: TargetRef[] = []
    const visit = (parent: Entity, trail: Set<string>): void => {
      for (const child of referencedIds(parent)) {
        const orphan = left.get(child)
        const report = index.reports.get(child)
        if (trail.has(child) || !orphan || !report) continue
        left.delete(child)
        visit(report, new Set([...trail, child]))
        reports.push(orphan)
      }
    }
    if (entity) visit(entity, new Set([root.id]))
    removals.push({root, reports})
  }
  // Reached by no root (a root gone since the listing): each on its own.
  for (const orphan of left.values()) removals.push({root: orphan, reports: []})
  return removals
}

/** The roots a plan deletes: replaced versions, leftovers and prune deletions. */
export function removedRoots(body: PlanBody): TargetRef[] {
  return body.items.flatMap(item =>
    item.action === 'replace' || item.action === 'delete'
      ? item.targetIds.map(id => ({kind: item.kind, id, name: item.name}))
      : []
  )
}

/** The target entities a unit's action removes once its new version is verified. */
export function replacedIds(item: PlanItem): string[] {
  return item.action === 'replace' || item.action === 'delete' ? item.targetIds : []
}

/** Every report id the git unit `root` needs in an import payload (itself included). */
export function unitReportIds(root: Entity, git: EntityIndex): string[] {
  return [...reachableReports([root], git.reports)].sort(compareStrings)
}
