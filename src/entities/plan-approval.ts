/**
 * Pure: whether the plan computed now is the plan a person approved.
 *
 * A plan is reviewed in one job and applied in another (an artifact between
 * a plan job and a protected-environment import job). Meanwhile the files or
 * the target may change: a merge, a hand edit in Optimize, another release.
 * `import` then recomputes the plan and applies it only when it was made
 * from the same files, the same target content and the same settings as the
 * approved one, which makes the two plans identical; otherwise it says what
 * changed and writes nothing.
 */
import {hash} from 'node:crypto'
import {z} from 'zod'
import {toCanonicalJson} from './canonical-json.js'
import {PLAN_FORMAT_VERSION, type PlanBasis, type PlanDocument} from './plan-document.js'
import type {EntityIndex, Fingerprinter} from './promotion-compare.js'

/** What an approved plan.json must hold; anything else it holds is compared as it is. */
export const ApprovedPlanSchema = z.looseObject({
  formatVersion: z.number(),
  optimizeUrl: z.string(),
  collectionId: z.string().nullable(),
  collectionName: z.string().optional(),
  prune: z.boolean(),
  prerequisites: z.array(z.looseObject({check: z.string(), status: z.string()})),
  items: z.array(z.unknown()).optional(),
  orphanedReports: z.array(z.unknown()).optional(),
  unmanaged: z.array(z.unknown()).optional(),
  collection: z.unknown().optional(),
  environment: z.unknown().optional(),
  basis: z
    .object({files: z.record(z.string(), z.string()), target: z.record(z.string(), z.string())})
    .optional()
})
export type ApprovedPlan = z.infer<typeof ApprovedPlanSchema>

/** Most differences of one kind that are named; the rest are counted. */
const MAX_NAMED = 10

/** What differs between the approved plan and the one computed now; empty when they match. */
export function approvalDifferences(approved: ApprovedPlan, current: PlanDocument): string[] {
  if (approved.formatVersion !== PLAN_FORMAT_VERSION)
    return [
      `the approved plan has format version ${approved.formatVersion}, this action writes ${PLAN_FORMAT_VERSION}: make the plan with the same version of the action as the import`
    ]
  const differences: string[] = []
  for (const key of ['optimizeUrl', 'collectionId', 'collectionName', 'prune'] as const) {
    if (approved[key] !== current[key])
      differences.push(
        `it was made for ${key} ${JSON.stringify(approved[key])}, this run has ${JSON.stringify(current[key])}`
      )
  }
  const environment = (plan: {environment?: unknown}): string =>
    toCanonicalJson(plan.environment ?? null).trim()
  if (environment(approved) !== environment(current))
    differences.push(
      `it was made for environment ${environment(approved)}, this run has ${environment(current)}`
    )
  const failed = approved.prerequisites.filter(p => p.status === 'failed').map(p => p.check)
  if (failed.length > 0)
    differences.push(`its prerequisites failed (${failed.join(', ')}): it cannot be applied`)
  if (!approved.basis || !current.basis) {
    differences.push('it does not say what it was computed from (no basis)')
    return differences
  }
  differences.push(
    ...changes('file', approved.basis.files, current.basis.files, 'in git'),
    ...changes('target entity', approved.basis.target, current.basis.target, 'in the target')
  )
  const collection = (plan: {collection?: unknown}): string =>
    toCanonicalJson(plan.collection ?? null).trim()
  if (collection(approved) !== collection(current))
    differences.push(
      `what it does to the collection changed (data sources or the collection itself changed in the target): approved ${collection(approved)}, now ${collection(current)}`
    )
  if (differences.length === 0 && planText(approved) !== planText(current))
    differences.push('the plan computed now differs from the approved one')
  return differences
}

/** Entries of `after` that were added, removed or changed since `before`, named. */
function changes(
  noun: string,
  before: Record<string, string>,
  after: Record<string, string>,
  where: string
): string[] {
  const lines: string[] = []
  for (const key of Object.keys(after).sort()) {
    if (!(key in before)) lines.push(`${noun} ${key} appeared ${where}`)
    else if (before[key] !== after[key]) lines.push(`${noun} ${key} changed ${where}`)
  }
  for (const key of Object.keys(before).sort())
    if (!(key in after)) lines.push(`${noun} ${key} is gone ${where}`)
  if (lines.length <= MAX_NAMED) return lines
  return [...lines.slice(0, MAX_NAMED), `and ${lines.length - MAX_NAMED} more ${noun} changes`]
}

/** The actions of a plan, without its messages (whose wording may differ between versions). */
function planText(plan: {
  items?: unknown[]
  orphanedReports?: unknown[]
  unmanaged?: unknown[]
  collection?: unknown
}): string {
  return toCanonicalJson({
    items: plan.items ?? [],
    orphanedReports: plan.orphanedReports ?? [],
    unmanaged: plan.unmanaged ?? [],
    collection: plan.collection ?? null
  })
}

/** What the plan was computed from (PlanBasis): file and target digests, sorted. */
export function planBasis(
  texts: ReadonlyMap<string, string>,
  target: EntityIndex,
  prints: Fingerprinter
): PlanBasis {
  const files: Record<string, string> = {}
  for (const file of [...texts.keys()].sort()) files[file] = hash('sha256', texts.get(file) ?? '')
  const entities = [
    ...target.dashboards.map(d => [`dashboard/${d.id}`, prints.hash(d)]),
    ...[...target.reports.values()].map(r => [`report/${r.id}`, prints.hash(r)])
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return {files, target: Object.fromEntries(entities) as Record<string, string>}
}
