/**
 * Deleting entities of the target, root by root (promotion-removal.ts says
 * which and in what order). A delete that finds the entity already gone
 * counts as done: another run, or a retried attempt, deleted it.
 */
import type {Removal} from '../entities/promotion-removal.js'
import type {TargetRef} from '../entities/promotion-plan.js'
import type {OptimizeClient} from './client.js'
import {failureText} from './errors.js'

export interface Deletions {
  dashboards: number
  reports: number
  /** One line per entity that is still there, with why. */
  failed: string[]
}

/**
 * Each removal's reports one after the other, then its root, which stays
 * when one of its reports does. Removals run side by side (the client
 * bounds the requests in flight).
 */
export async function deleteRemovals(
  client: OptimizeClient,
  removals: readonly Removal[]
): Promise<Deletions> {
  const result: Deletions = {dashboards: 0, reports: 0, failed: []}
  const attempt = async (ref: TargetRef): Promise<boolean> => {
    try {
      if (ref.kind === 'dashboard') await client.deleteDashboard(ref.id)
      else await client.deleteReport(ref.id)
      if (ref.kind === 'dashboard') result.dashboards++
      else result.reports++
      return true
    } catch (error) {
      result.failed.push(`${ref.kind} '${ref.name}' (${ref.id}): ${failureText(error)}`)
      return false
    }
  }
  await Promise.all(
    removals.map(async ({root, reports}) => {
      let complete = true
      for (const report of reports) complete = (await attempt(report)) && complete
      if (complete) await attempt(root)
      else
        result.failed.push(
          `${root.kind} '${root.name}' (${root.id}) kept until its reports are gone`
        )
    })
  )
  result.failed.sort()
  return result
}
