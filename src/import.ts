/**
 * `import`: applies the plan to the target collection. Whatever fails on the
 * way, no dashboard is lost, none is left twice once the run ends, and
 * nothing this run did not create is deleted, except what the plan names.
 *
 * 1. The plan runs first (plan.ts); if any prerequisite fails, nothing is
 *    written. With `approved-plan`, the plan computed now must be the
 *    approved one (plan-approval.ts), or nothing is written. With
 *    `manage-collection`, the collection is created and its missing data
 *    sources added first (promotion/collection.ts); a collection this run
 *    created stays, whatever fails later, and the failure names it.
 * 2. New and changed units are imported in batches (promotion/run.ts): this
 *    run's copies are the ids Optimize answers with, exported back and
 *    compared with the files.
 * 3. Any failure in step 2 deletes this run's copies again, and only them:
 *    every dashboard stays at its old version.
 * 4. Only then are the old versions deleted: replaced dashboards and
 *    reports, leftovers, prune deletions, each after the reports only it used.
 * 5. Copies that runs importing the same files at the same time made are
 *    reduced to one (the same one in every run).
 * 6. What the target now holds is recorded in git (promotion/last-import.ts),
 *    so the next plan tells a change made in the target (drift) from one in
 *    git. With drift, step 1 fails unless `on-drift` says skip or overwrite.
 *
 * Unchanged entities are never touched, so their ids and URLs stay.
 */
import * as path from 'node:path'
import {CommandFailedError, type CommandResult} from './command.js'
import {Output} from './constants.js'
import {toCanonicalJson} from './entities/canonical-json.js'
import {
  approvalDifferences,
  ApprovedPlanSchema,
  type ApprovedPlan
} from './entities/plan-approval.js'
import {renderPlanMarkdown} from './entities/promotion-markdown.js'
import type {PlanDocument} from './entities/plan-document.js'
import type {Io} from './io.js'
import {parseJsonDocument} from './entities/json-document.js'
import {preparePlan} from './promotion/prepare.js'
import {failureText} from './optimize/errors.js'
import {applyCollection, CollectionChangeError} from './promotion/collection.js'
import {recordImport} from './promotion/last-import.js'
import {PromotionRun} from './promotion/run.js'
import {failureMessage, planFileText, publishPlan, readTextNoFollow} from './promotion/plan-file.js'
import type {Settings} from './settings.js'

/** A plan.json is canonical JSON of a few MB at most. */
const MAX_PLAN_BYTES = 64 * 1024 * 1024

export async function runImport(settings: Settings, io: Io): Promise<CommandResult> {
  const approved = settings.approvedPlan ? readApprovedPlan(settings.approvedPlan) : undefined
  const outcome = await preparePlan(settings, io)
  const planned = await publishPlan(settings, outcome)
  const context = outcome.context
  if (!outcome.ok || !context)
    throw new CommandFailedError(failureMessage(outcome.document), planned)
  const summary = (title: string, lines: string[]): string =>
    `${renderPlanMarkdown(outcome.document, {title})}\n${lines.map(l => `- ${l}`).join('\n')}\n`
  if (approved) {
    // Compared as written: plan.json holds the plan with the inputs' secrets redacted.
    const current = JSON.parse(planFileText(settings, outcome.document)) as PlanDocument
    checkApproval(io, approved, current, planned, summary)
  }

  let target: {id: string; created?: string}
  try {
    target = await io.group('Preparing the collection', async () =>
      applyCollection(
        context.client,
        io,
        outcome.document.collection,
        outcome.document.collectionId
      )
    )
  } catch (error) {
    const created = error instanceof CollectionChangeError ? error.created : undefined
    const outputs = created ? {...planned.outputs, [Output.CollectionId]: created} : planned.outputs
    const message = `Import stopped before any dashboard or report was written: ${failureText(error)}${created ? `. This run created collection ${created}, which stays: the next run finds it by its name` : ''}`
    throw new CommandFailedError(message, {
      outputs,
      summary: summary('Optimize import failed', [message])
    })
  }
  const outputs = {...planned.outputs, [Output.CollectionId]: target.id}
  const run = new PromotionRun(settings, io, {...context, collectionId: target.id})
  try {
    await run.importUnits()
  } catch (error) {
    const cleanup = await run.rollBack()
    const kept = target.created
      ? `; collection ${target.created}, which this run created, stays (collections are never deleted)`
      : ''
    const message = `Import failed, the target keeps its previous versions: ${failureText(error)}${kept}`
    throw new CommandFailedError(message, {
      outputs,
      summary: summary('Optimize import failed', [message, ...cleanup])
    })
  }
  const deletions = await run.deleteOldVersions()
  const converged = await run.converge()
  const problems = [...deletions.failed, ...converged.failed]
  const recorded = await io.group('Recording the import', async () =>
    recordImport(settings, io, context, target.id)
  )
  for (const warning of recorded) io.warning(warning)

  const imported = run.importedIds()
  const importedIds: Record<string, string> = {}
  for (const [rootId, newId] of imported) {
    const file = context.files.get(rootId)
    if (file) importedIds[path.posix.join(settings.relativePath, file)] = newId
  }
  const added = outcome.document.collection?.addDataSources.length ?? 0
  const result: CommandResult = {
    outputs: {...outputs, [Output.ImportedIds]: toCanonicalJson(importedIds).trim()},
    summary: summary(problems.length ? 'Optimize import incomplete' : 'Optimize import', [
      ...(target.created
        ? [`created collection '${outcome.document.collection?.name}' (${target.created})`]
        : []),
      ...(added ? [`added ${added} data sources to the collection`] : []),
      `imported and verified ${imported.size} dashboards and standalone reports (import calls: ${run.importCalls})`,
      `deleted ${deletions.dashboards} old dashboards and ${deletions.reports} old reports`,
      ...converged.notes,
      ...recorded,
      ...problems
    ])
  }
  if (problems.length > 0) {
    throw new CommandFailedError(
      `The new versions are in place, but ${problems.length} old or duplicate entities could not be deleted: ${problems.join('; ')}. Run import again: its plan finds each of them (a copy of a dashboard it keeps, or a report nothing uses any more that equals one of the files) and deletes it, prune or not.`,
      result
    )
  }
  return result
}

/** Refuses, writing nothing, unless the plan computed now is the approved one. */
function checkApproval(
  io: Io,
  approved: ApprovedPlan,
  current: PlanDocument,
  planned: CommandResult,
  summary: (title: string, lines: string[]) => string
): void {
  const differences = approvalDifferences(approved, current)
  if (differences.length === 0) {
    io.info('The plan computed now is the approved plan: applying it.')
    return
  }
  const message = `The approved plan no longer matches the files and the target, nothing was written: ${differences.join('; ')}. Review a new plan.`
  throw new CommandFailedError(message, {
    outputs: planned.outputs,
    summary: summary('Optimize import refused', [
      'The approved plan no longer matches; nothing was written. What changed:',
      ...differences
    ])
  })
}

function readApprovedPlan(file: string): ApprovedPlan {
  const text = readTextNoFollow(file, MAX_PLAN_BYTES, "input 'approved-plan'")
  const document = parseJsonDocument(text)
  const problem = document.problems[0]
  if (problem)
    throw new Error(
      `Input 'approved-plan': ${file}${problem.line ? `:${problem.line}` : ''} is not valid JSON: ${problem.message}`
    )
  const parsed = ApprovedPlanSchema.safeParse(document.value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = document.locate(issue.path as (string | number)[])
    throw new Error(
      `Input 'approved-plan': ${file}${where.line ? `:${where.line}` : ''} is not a plan.json written by plan: ${issue.message} at ${issue.path.join('.') || 'the top'}`
    )
  }
  return parsed.data
}
