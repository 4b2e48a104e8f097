/**
 * The plan's last prerequisites, asked of the target itself: a dry run of
 * the import (optimize/dry-run.ts) that Optimize validates like the real one
 * and refuses before it writes anything. It tells what the files' own checks
 * and the target's listing cannot: explicit versions the target lacks (which
 * Optimize would drop silently), names longer than the target allows, and
 * anything else Optimize would refuse the import for. A second dry run tells
 * whether the target checks dashboards' variable filters against the reports
 * it already has (camunda/camunda#55766), which decides the dashboards that
 * import brings in two steps (promotion/two-step.ts).
 */
import type {Prerequisite} from '../entities/plan-document.js'
import type {EntityIndex} from '../entities/promotion-compare.js'
import {
  describeFilters,
  isUnknownVariableRefusal,
  keepingVariableFilters,
  missingVersionLines,
  refusedNameLines,
  variableCheckProbe,
  variableFilters,
  withVersionProbes
} from '../entities/promotion-dry-run.js'
import {batchEntities, batchPayload, importBatches} from '../entities/promotion-import.js'
import type {OptimizeClient} from '../optimize/client.js'
import {dryRunImport, type DryRunAnswer} from '../optimize/dry-run.js'
import {
  bodyTooLargeText,
  describeErrorBody,
  failureText,
  importBodyUnreadText
} from '../optimize/errors.js'
import {
  isDashboard,
  LAST_LEGACY_DASHBOARD_INDEX,
  type Dashboard,
  type Entity
} from '../optimize/schemas.js'

export interface DryRunInput {
  client: OptimizeClient
  collectionId: string
  git: EntityIndex
  /** Entity id → file, relative to `path`. */
  files: ReadonlyMap<string, string>
  decisionXml: ReadonlyMap<string, string | undefined>
  /** The dashboards and standalone reports the import brings in. */
  roots: readonly Entity[]
  /** The dashboard index version the target expects, when known. */
  dashboardIndex?: number
  /** Units per dry run and bytes per request body (a dry run writes nothing, so only bytes matter). */
  limit: {count: number; bytes: number}
}

export interface DryRunResult {
  prerequisites: Prerequisite[]
  /** Dashboards (ids in the files) whose variable filters the target checks: two-step import. */
  twoStep: Set<string>
}

export async function dryRunCheck(input: DryRunInput): Promise<DryRunResult> {
  const filtered = input.roots.filter(isDashboard).filter(d => variableFilters(d).length > 0)
  const twoStep = new Set(filtered.map(d => d.id))
  const shape = {
    legacyDashboards: (input.dashboardIndex ?? Infinity) <= LAST_LEGACY_DASHBOARD_INDEX
  }
  const dryRun = async (entities: readonly Entity[]): Promise<DryRunAnswer> =>
    dryRunImport(input.client, input.collectionId, batchPayload(entities, input.decisionXml), shape)

  let validation: Prerequisite
  try {
    validation = await validateImport(input, dryRun)
  } catch (error) {
    return {
      prerequisites: [
        {
          check: 'dry run',
          status: 'warning',
          message: `could not ask the target: ${failureText(error)}; Optimize validates the import before it writes anything`
        }
      ],
      twoStep
    }
  }
  const prerequisites = [validation]
  if (filtered.length === 0 || validation.status === 'failed') return {prerequisites, twoStep}
  const variables = await variableCheck(filtered, dryRun)
  prerequisites.push(variables.prerequisite)
  return {prerequisites, twoStep: variables.checks ? twoStep : new Set()}
}

/** The import as Optimize validates it, dashboards without their variable filters. */
async function validateImport(
  input: DryRunInput,
  dryRun: (entities: readonly Entity[]) => Promise<DryRunAnswer>
): Promise<Prerequisite> {
  const check = 'dry run'
  const {batches} = importBatches(input.roots, input.git, input.decisionXml, input.limit)
  const problems: string[] = []
  let reports = 0
  let pinned = 0
  for (const batch of batches) {
    const sent = batchEntities(batch, input.git).map(e =>
      isDashboard(e) ? keepingVariableFilters(e, () => false) : e
    )
    const {entities, probes} = withVersionProbes(sent)
    reports += sent.filter(e => !isDashboard(e)).length
    pinned += probes.length
    const answer = await dryRun(entities)
    if (answer.kind === 'passed') continue
    if (answer.kind === 'body-unread')
      return {check, status: 'failed', message: importBodyUnreadText(answer.error, entities.length)}
    const body = answer.error.body
    if (answer.error.status === 413)
      return {
        check,
        status: 'failed',
        message: bodyTooLargeText(answer.error, entities.length, input.limit.bytes)
      }
    let lines: string[] = []
    if (body?.errorCode === 'importDefinitionDoesNotExist' && body.definitions)
      lines = missingVersionLines(body.definitions, sent, input.files)
    else if (body?.errorCode === 'importNameInvalid')
      lines = refusedNameLines(body.detailedMessage ?? '', sent, probes, input.files).map(
        line => `${line}, more than the target allows (entity.nameMaxLength)`
      )
    const words = `${answer.error.status} ${describeErrorBody(body) || answer.error.message}`
    problems.push(
      lines.length > 0
        ? `${lines.join('; ')} (Optimize answered: ${words})`
        : `Optimize would refuse the import: ${words}`
    )
  }
  if (problems.length > 0)
    return {check, status: 'failed', message: [...new Set(problems)].join('; ')}
  return {
    check,
    status: 'ok',
    message: `the target Optimize validated the import of ${input.roots.length} dashboards and standalone reports (${reports} reports${pinned ? `, each pinned version on its own` : ''}) and wrote nothing: a dry run, which it refuses by design for a dashboard index version no Optimize has`
  }
}

/** Does the target check variable filters against the reports it already has? */
async function variableCheck(
  dashboards: readonly Dashboard[],
  dryRun: (entities: readonly Entity[]) => Promise<DryRunAnswer>
): Promise<{checks: boolean; prerequisite: Prerequisite}> {
  const check = 'variable filters'
  const names = dashboards
    .map(d => `'${d.name}' (${describeFilters(variableFilters(d))})`)
    .join(', ')
  const count =
    dashboards.length === 1 ? '1 dashboard takes' : `${dashboards.length} dashboards take`
  const twoSteps = `Import brings their reports in first, then each dashboard with reports under the ids of those copies, then deletes the copies. Whether the target's data has the variables (for the definitions of the dashboard's reports) shows only once the reports are in: import asks with a dry run before it writes any dashboard, and refuses naming the dashboard and the variable`
  let status: Prerequisite['status'] = 'warning'
  let reason: string
  try {
    const answer = await dryRun([variableCheckProbe(dashboards[0])])
    if (answer.kind === 'passed')
      return {
        checks: false,
        prerequisite: {
          check,
          status: 'ok',
          message: `the target does not check variable filters against the reports it already has: ${names} are imported as any dashboard`
        }
      }
    const text = describeErrorBody(answer.error.body) || answer.error.message
    if (answer.kind === 'refused' && isUnknownVariableRefusal(text)) {
      status = 'ok'
      reason = `the target checks variable filters against the reports it already has (camunda/camunda#55766, camunda/issues#816)`
    } else {
      reason = `could not tell whether the target checks variable filters (it answered: ${text})`
    }
  } catch (error) {
    reason = `could not ask whether the target checks variable filters (${failureText(error)})`
  }
  const message = `${reason}, so ${count} two steps: ${names}. ${twoSteps}`
  return {checks: true, prerequisite: {check, status, message}}
}
