/**
 * Dashboards with variable filters, on targets that check them against the
 * reports they already have (camunda/camunda#55766, camunda/issues#816):
 * Optimize looks the dashboard's tile ids up in the target, before it writes
 * anything, and takes the variables Optimize has imported for those reports'
 * definitions. The file's tile ids are the source's, unknown to the target,
 * so the import of such a dashboard fails. Optimize's own API allows a way
 * through, in two steps:
 *
 * 1. import the dashboard's reports: their copies are ids the target knows
 *    (interim copies);
 * 2. import the dashboard with its reports sent under those ids: the check
 *    finds the interim copies and their variables; Optimize writes new
 *    copies of the reports for the dashboard, as in any import;
 * 3. delete the interim copies (the run does, once everything is verified).
 *
 * Before any dashboard is written, a dry run of step 2 (optimize/dry-run.ts)
 * tells whether the target's data has every variable; when it does not, the
 * import is refused, naming the dashboard and the variable, and the run takes
 * its interim copies back like anything else it created.
 */
import {indexEntities, type EntityIndex} from '../entities/promotion-compare.js'
import {
  describeFilters,
  isUnknownVariableRefusal,
  keepingVariableFilters,
  variableFilters,
  type VariableFilter
} from '../entities/promotion-dry-run.js'
import {matchCopies, type Ids} from '../entities/promotion-copies.js'
import {batchEntities, batchPayload} from '../entities/promotion-import.js'
import type {OptimizeClient} from '../optimize/client.js'
import {dryRunImport, type DryRunAnswer} from '../optimize/dry-run.js'
import {exportEntities} from '../optimize/entities.js'
import {describeErrorBody, failureText, importBodyUnreadText} from '../optimize/errors.js'
import {isDashboard, LAST_LEGACY_DASHBOARD_INDEX, type Entity} from '../optimize/schemas.js'

export interface TwoStepContext {
  client: OptimizeClient
  collectionId: string
  git: EntityIndex
  decisionXml: ReadonlyMap<string, string | undefined>
  /** One import call of entities of the files, its copies recorded by the run. */
  importEntities: (sent: readonly Entity[]) => Promise<Ids>
}

export interface InterimCopies {
  /** Report id in the files → id of its interim copy. */
  ids: Map<string, string>
  /** Every interim copy (a report two batches share is copied twice). */
  copies: Set<string>
}

/** Step 1: the reports of each batch of dashboards, imported and matched to the files. */
export async function importInterimReports(
  context: TwoStepContext,
  batches: readonly Entity[][]
): Promise<InterimCopies> {
  const interim: InterimCopies = {ids: new Map(), copies: new Set()}
  for (const batch of batches) {
    const sent = batchEntities(batch, context.git).filter(e => !isDashboard(e))
    const made = await context.importEntities(sent)
    for (const id of made.reports) interim.copies.add(id)
    const {entities} = await exportEntities(context.client, [], [...made.reports])
    const matched = matchCopies(sent, context.git, indexEntities(entities))
    const unmatched = sent.filter(report => !matched.has(report.id))
    if (unmatched.length > 0)
      throw new Error(
        `verification failed: Optimize stored the interim copies of ${unmatched.map(r => `report '${r.name}'`).join(', ')} differently from the files`
      )
    for (const [from, to] of matched) if (!interim.ids.has(from)) interim.ids.set(from, to)
  }
  return interim
}

/**
 * Step 2 as a dry run, for every batch, before any dashboard is written:
 * throws, naming each dashboard and variable filter the target has no data
 * for, or Optimize's refusal.
 */
export async function checkVariables(
  context: TwoStepContext,
  batches: readonly Entity[][],
  interim: InterimCopies
): Promise<void> {
  const legacyDashboards = batches
    .flat()
    .some(root => (root.sourceIndexVersion ?? 0) <= LAST_LEGACY_DASHBOARD_INDEX)
  const dryRun = async (roots: readonly Entity[]): Promise<DryRunAnswer> =>
    dryRunImport(
      context.client,
      context.collectionId,
      batchPayload(batchEntities(roots, context.git), context.decisionXml, interim.ids),
      {legacyDashboards}
    )
  const problems: string[] = []
  for (const batch of batches) {
    const answer = await dryRun(batch)
    if (answer.kind === 'passed') continue
    if (answer.kind === 'body-unread')
      throw new Error(importBodyUnreadText(answer.error, batch.length), {cause: answer.error})
    const words = describeErrorBody(answer.error.body) || answer.error.message
    if (!isUnknownVariableRefusal(words))
      throw new Error(
        `Optimize refused the dashboards with variable filters in a dry run: ${answer.error.status} ${words}`,
        {cause: answer.error}
      )
    const found = await unknownVariables(batch, dryRun)
    problems.push(...(found.length > 0 ? found : [words]))
  }
  if (problems.length > 0)
    throw new Error(
      `The target Optimize has no data for these variable filters: ${problems.join('; ')}. Optimize checks a dashboard's variable filters against the variables it has imported for the definitions of the dashboard's reports; import process instances with these variables into the target, or remove the filters from the dashboards. No dashboard was written.`
    )
}

/** Each dashboard's variable filters one at a time: "dashboard 'X': 'amount' (Double)". */
async function unknownVariables(
  batch: readonly Entity[],
  dryRun: (roots: readonly Entity[]) => Promise<DryRunAnswer>
): Promise<string[]> {
  const lines: string[] = []
  for (const root of batch) {
    if (!isDashboard(root)) continue
    const missing: VariableFilter[] = []
    for (const [index, filter] of variableFilters(root).entries()) {
      const answer = await dryRun([keepingVariableFilters(root, i => i === index)])
      if (
        answer.kind === 'refused' &&
        isUnknownVariableRefusal(describeErrorBody(answer.error.body) || answer.error.message)
      )
        missing.push(filter)
    }
    if (missing.length > 0) lines.push(`dashboard '${root.name}': ${describeFilters(missing)}`)
  }
  return lines
}

/**
 * Step 3: deletes the interim copies. One that cannot be deleted stays on no
 * dashboard and equal to a report of a dashboard in the files: the next plan
 * deletes it as a leftover.
 */
export async function deleteInterimCopies(
  client: OptimizeClient,
  copies: ReadonlySet<string>
): Promise<{deleted: string[]; failed: string[]}> {
  const deleted: string[] = []
  const failed: string[] = []
  await Promise.all(
    [...copies].map(async id => {
      try {
        await client.deleteReport(id)
        deleted.push(id)
      } catch (error) {
        failed.push(`${id}: ${failureText(error)}`)
      }
    })
  )
  return {deleted: deleted.sort(), failed: failed.sort()}
}
