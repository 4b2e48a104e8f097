/**
 * Pure: what to delete, and in which order, so that a failure at any point
 * leaves nothing that points at nothing and nothing the next run cannot find.
 */
import type {Entity} from '../optimize/schemas.js'
import {
  entityOf,
  reachableReports,
  referencedIds,
  standaloneReports,
  type EntityIndex
} from './promotion-compare.js'
import {compareStrings} from './normalize.js'
import type {PlanBody, TargetRef} from './promotion-plan.js'

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
    const entity = entityOf(index, root.kind, root.id)
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
export function removedRoots(body: Pick<PlanBody, 'items'>): TargetRef[] {
  return body.items.flatMap(item =>
    item.action === 'replace' || item.action === 'delete'
      ? item.targetIds.map(id => ({kind: item.kind, id, name: item.name}))
      : []
  )
}

export function compareRefs(a: TargetRef, b: TargetRef): number {
  return (
    compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name) || compareStrings(a.id, b.id)
  )
}
