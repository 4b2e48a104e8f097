/**
 * Pure: plan.json, the document `plan` writes and `import` reads back:
 * prerequisites, the plan's items, what it was computed from, and the bound
 * on what a plan may delete.
 */
import type {DataSource} from './collection-file.js'
import type {PlanAction, PlanBody} from './promotion-plan.js'

/** 2: plan.json holds its basis (file and target digests), which `approved-plan` checks. */
export const PLAN_FORMAT_VERSION = 2

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
  /** Null when the collection is named by `collection-name` and import creates it. */
  collectionId: string | null
  /** `collection-name`, when the collection is named by it. */
  collectionName?: string
  prune: boolean
  /** Input `environment`: its name and each mapping it applied (environment-mapping.ts). */
  environment?: PlanEnvironment
}

export interface PlanEnvironment {
  name: string
  /** E.g. "tenant 'dev' → 'prod' in 3 reports", sorted. */
  mappings: string[]
}

/**
 * With `manage-collection`: what import does to the target collection before
 * it imports any entity. It never removes a data source.
 */
export interface PlanCollection {
  /** The collection's name (for a collection named by id: its name in the target). */
  name: string
  /** No collection has this name: import creates it, owned by `owner`. */
  create: boolean
  owner?: string
  /** Data sources, or tenants of existing ones, import adds. */
  addDataSources: DataSource[]
}

/** plan.json: canonical JSON, deterministic (no timestamps), read by people and by `import`. */
export interface PlanDocument extends Partial<PlanBody>, PlanTarget {
  formatVersion: number
  prerequisites: Prerequisite[]
  /** `skip` only when the plan skips something (on-drift: skip). */
  counts: Record<Exclude<PlanAction, 'skip'>, number> & {skip?: number; orphanedReports: number}
  hasChanges: boolean
  collection?: PlanCollection
  basis?: PlanBasis
}

export function planDocument(
  target: PlanTarget,
  prerequisites: Prerequisite[],
  body?: PlanBody,
  basis?: PlanBasis,
  collection?: PlanCollection
): PlanDocument {
  const counts: PlanDocument['counts'] = {
    create: 0,
    replace: 0,
    unchanged: 0,
    delete: 0,
    orphanedReports: body?.orphanedReports.length ?? 0
  }
  for (const item of body?.items ?? [])
    if (item.action === 'skip') counts.skip = (counts.skip ?? 0) + 1
    else counts[item.action]++
  const collectionChanges = collection
    ? (collection.create ? 1 : 0) + collection.addDataSources.length
    : 0
  const hasChanges =
    counts.create + counts.replace + counts.delete + counts.orphanedReports + collectionChanges > 0
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    ...target,
    prerequisites,
    ...body,
    counts,
    hasChanges,
    collection,
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
