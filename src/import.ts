/**
 * `import`: applies the plan to the target collection, safely.
 *
 * 1. The plan runs first; if any prerequisite fails, nothing is written.
 * 2. New and changed units are imported in batches (one import call per
 *    `batch-size` units). After each call the collection is listed again: what
 *    appeared is what this run created, whatever the call answered. The new
 *    copies are exported back and must equal the files (promotion-import.ts).
 * 3. Any failure in step 2 (a refusal, a network fault, a failed write in the
 *    middle of a non-transactional import, a verification mismatch) deletes
 *    everything this run created: every dashboard stays at its old version.
 * 4. Only then are the old versions deleted: replaced dashboards and reports,
 *    leftovers, prune deletions, and reports nothing references any more.
 *    Unchanged entities are never touched, so their ids and URLs stay.
 *
 * If a run dies between 2 and 4, the next plan finds two entities with one
 * name, one equal to the file: it keeps that one and deletes the other.
 */
import * as path from 'node:path'
import {CommandFailedError, type CommandResult} from './command.js'
import {Output} from './constants.js'
import {toCanonicalJson} from './entities/canonical-json.js'
import {indexEntities} from './entities/promotion-compare.js'
import {batchPayload, matchImported} from './entities/promotion-import.js'
import {renderPlanMarkdown} from './entities/promotion-markdown.js'
import type {PlanItem} from './entities/promotion-plan.js'
import type {Io} from './io.js'
import {describeErrorBody, OptimizeApiError} from './optimize/errors.js'
import type {Entity} from './optimize/schemas.js'
import {exportEntities, failureMessage, preparePlan, publishPlan, type PlanContext} from './plan.js'
import type {Settings} from './settings.js'

/** Ids of the target collection, by kind. */
interface Ids {
  dashboards: Set<string>
  reports: Set<string>
}

export async function runImport(settings: Settings, io: Io): Promise<CommandResult> {
  const outcome = await preparePlan(settings, io)
  const planned = await publishPlan(settings, outcome)
  const context = outcome.context
  if (!outcome.ok || !context)
    throw new CommandFailedError(failureMessage(outcome.document), planned)

  const items = context.body.items
  const toImport = items.filter(i => i.action === 'create' || i.action === 'replace')
  const summary = (title: string, lines: string[]): string =>
    `${renderPlanMarkdown(outcome.document, {title})}\n${lines.map(l => `- ${l}`).join('\n')}\n`

  let imported = new Map<string, string>()
  if (toImport.length > 0) {
    try {
      imported = await importAll(settings, io, context, toImport)
    } catch (error) {
      const cleanup = (error as ImportFailure).cleanup ?? []
      const message = `Import failed, the target keeps its previous versions: ${reason(error)}`
      throw new CommandFailedError(message, {
        outputs: planned.outputs,
        summary: summary('Optimize import failed', [message, ...cleanup])
      })
    }
  }

  const deletions = await deleteOldVersions(io, context)
  const importedIds: Record<string, string> = {}
  for (const [rootId, newId] of imported) {
    const file = context.files.get(rootId)
    if (file) importedIds[path.posix.join(settings.relativePath, file)] = newId
  }
  const result: CommandResult = {
    outputs: {...planned.outputs, [Output.ImportedIds]: toCanonicalJson(importedIds).trim()},
    summary: summary(deletions.failed.length ? 'Optimize import incomplete' : 'Optimize import', [
      `imported and verified ${imported.size} dashboards and standalone reports (import calls: ${Math.ceil(toImport.length / batchSize(settings))})`,
      `deleted ${deletions.dashboards} old dashboards and ${deletions.reports} old reports`,
      ...deletions.failed
    ])
  }
  if (deletions.failed.length > 0) {
    throw new CommandFailedError(
      `The new versions are in place, but ${deletions.failed.length} old entities could not be deleted: ${deletions.failed.join('; ')}. Run import again: the plan finds them as leftovers and deletes them.`,
      result
    )
  }
  return result
}

function batchSize(settings: Settings): number {
  return settings.connection?.batchSize ?? 100
}

interface ImportFailure extends Error {
  cleanup?: string[]
}

/** Imports and verifies every batch; on any failure deletes what this run created, then throws. */
async function importAll(
  settings: Settings,
  io: Io,
  context: PlanContext,
  items: PlanItem[]
): Promise<Map<string, string>> {
  const {client, collectionId, git} = context
  const byFile = new Map([...context.files].map(([id, file]) => [file, id]))
  const roots = items.map(item => rootOf(item, byFile, git))
  const known: Ids = {
    dashboards: new Set(context.target.dashboardIds),
    reports: new Set(context.target.reportIds)
  }
  const created: Ids = {dashboards: new Set(), reports: new Set()}
  const ids = new Map<string, string>()
  const size = batchSize(settings)
  try {
    for (let start = 0; start < roots.length; start += size) {
      const batch = roots.slice(start, start + size)
      const label = `batch ${start / size + 1} of ${Math.ceil(roots.length / size)}`
      await io.group(`Importing ${batch.length} units (${label})`, async () => {
        const payload = batchPayload(batch, git, context.decisionXml)
        let failure: Error | undefined
        const answer = await client
          .importEntities(collectionId, payload)
          .catch((error: unknown) => {
            failure = error instanceof Error ? error : new Error(String(error))
            return []
          })
        // Kept for the rollback, should the listing below fail too. Without a type, both
        // deletes are tried: the wrong one answers 404, which counts as already gone.
        for (const {id, entityType} of answer) {
          if (entityType !== 'report') created.dashboards.add(id)
          if (entityType !== 'dashboard') created.reports.add(id)
        }
        // Whatever the call answered, the listing tells what it created.
        const appeared = await newIds(context, known)
        for (const id of appeared.dashboards) created.dashboards.add(id)
        for (const id of appeared.reports) created.reports.add(id)
        if (failure) throw failure
        const exported = await exportEntities(
          client,
          [...appeared.dashboards],
          [...appeared.reports]
        )
        const match = matchImported(batch, git, indexEntities(exported))
        if (match.problems.length > 0)
          throw new Error(`verification failed: ${match.problems.join('; ')}`)
        for (const [rootId, newId] of match.ids) ids.set(rootId, newId)
        io.info(`${label}: ${payload.length} entities imported, ${match.ids.size} units verified`)
      })
    }
    return ids
  } catch (error) {
    const failure = (error instanceof Error ? error : new Error(String(error))) as ImportFailure
    failure.cleanup = await rollBack(io, context, known, created)
    throw failure
  }
}

function rootOf(item: PlanItem, byFile: Map<string, string>, git: PlanContext['git']): Entity {
  const id = item.file ? byFile.get(item.file) : undefined
  const root =
    item.kind === 'dashboard'
      ? git.dashboards.find(d => d.id === id)
      : id === undefined
        ? undefined
        : git.reports.get(id)
  if (!root) throw new Error(`plan item ${item.kind} '${item.name}' has no file`)
  return root
}

/** Ids listed now that were not in `known`; `known` is updated. */
async function newIds(context: PlanContext, known: Ids): Promise<Ids> {
  const [dashboards, reports] = await Promise.all([
    context.client.listDashboardIds(context.collectionId),
    context.client.listReportIds(context.collectionId)
  ])
  const fresh: Ids = {
    dashboards: new Set(dashboards.filter(id => !known.dashboards.has(id))),
    reports: new Set(reports.filter(id => !known.reports.has(id)))
  }
  for (const id of fresh.dashboards) known.dashboards.add(id)
  for (const id of fresh.reports) known.reports.add(id)
  return fresh
}

/** Deletes what this run created (dashboards first, so none shows a missing report). Best effort. */
async function rollBack(io: Io, context: PlanContext, known: Ids, created: Ids): Promise<string[]> {
  const notes: string[] = []
  try {
    // A write may land after the failed call's listing (e.g. a reset mid-request).
    const late = await newIds(context, known)
    for (const id of late.dashboards) created.dashboards.add(id)
    for (const id of late.reports) created.reports.add(id)
  } catch (error) {
    notes.push(`could not list the collection again: ${reason(error)}`)
  }
  const total = created.dashboards.size + created.reports.size
  if (total === 0) return [...notes, 'nothing was written']
  const failed = await deleteAll(context, created)
  io.info(`rolled back: deleted ${total - failed.length} of the ${total} entities this run created`)
  if (failed.length === 0)
    return [...notes, `the ${total} entities this run had created were deleted again`]
  return [
    ...notes,
    `${failed.length} of the ${total} entities this run created could not be deleted (${failed.join('; ')}); the next run finds them as leftovers and deletes them`
  ]
}

async function deleteAll(context: PlanContext, ids: Ids): Promise<string[]> {
  const failed: string[] = []
  const attempt = async (kind: 'dashboard' | 'report', id: string): Promise<void> => {
    try {
      if (kind === 'dashboard') await context.client.deleteDashboard(id)
      else await context.client.deleteReport(id)
    } catch (error) {
      failed.push(`${kind} ${id}: ${reason(error)}`)
    }
  }
  await Promise.all([...ids.dashboards].sort().map(async id => attempt('dashboard', id)))
  await Promise.all([...ids.reports].sort().map(async id => attempt('report', id)))
  return failed
}

/** Step 4: the old versions, leftovers and prune deletions; then reports nothing references. */
async function deleteOldVersions(
  io: Io,
  context: PlanContext
): Promise<{dashboards: number; reports: number; failed: string[]}> {
  const {items, orphanedReports} = context.body
  const old: Ids = {dashboards: new Set(), reports: new Set()}
  for (const item of items) {
    if (item.action !== 'replace' && item.action !== 'delete') continue
    for (const id of item.targetIds)
      (item.kind === 'dashboard' ? old.dashboards : old.reports).add(id)
  }
  for (const report of orphanedReports) old.reports.add(report.id)
  if (old.dashboards.size + old.reports.size === 0) return {dashboards: 0, reports: 0, failed: []}
  return io.group(
    `Deleting ${old.dashboards.size} old dashboards and ${old.reports.size} reports`,
    async () => {
      const failed = await deleteAll(context, old)
      const failedDashboards = failed.filter(f => f.startsWith('dashboard ')).length
      return {
        dashboards: old.dashboards.size - failedDashboards,
        reports: old.reports.size - (failed.length - failedDashboards),
        failed
      }
    }
  )
}

function reason(error: unknown): string {
  if (error instanceof OptimizeApiError) {
    const detail = describeErrorBody(error.body)
    const refused =
      error.path.endsWith('/import') && error.status !== undefined && error.status < 500
    const text =
      detail && !error.message.includes(detail) ? `${error.message} (${detail})` : error.message
    return refused ? `Optimize refused the import: ${text}` : text
  }
  return error instanceof Error ? error.message : String(error)
}
