/**
 * `plan`: what a release would do to the target collection, read-only.
 *
 * Prerequisites first (the files are valid, the credentials work, the
 * collection exists, the index versions match, the definitions exist), then
 * one plan item per dashboard and standalone report: create, replace (with
 * what differs), unchanged, or delete. Written as plan.json (canonical,
 * deterministic) and as Markdown. `import` runs the same function first and
 * writes nothing unless every prerequisite passed.
 */
import {mkdir, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {CommandFailedError, type CommandResult} from './command.js'
import {Output} from './constants.js'
import {toCanonicalJson} from './entities/canonical-json.js'
import {fromLegacy, indexEntities, type EntityIndex} from './entities/promotion-compare.js'
import {checkDefinitions, definitionNeeds, scopeProblems} from './entities/promotion-definitions.js'
import {indexVersionMismatches, targetIndexVersions} from './entities/promotion-index.js'
import {renderPlanMarkdown} from './entities/promotion-markdown.js'
import {
  computePlan,
  planDocument,
  type PlanBody,
  type PlanDocument,
  type Prerequisite
} from './entities/promotion-plan.js'
import {ExportDecoder} from './entities/export-text.js'
import type {Io} from './io.js'
import {OptimizeClient} from './optimize/client.js'
import {describeErrorBody, OptimizeApiError} from './optimize/errors.js'
import {EntitySchema, type Collection, type Entity} from './optimize/schemas.js'
import {inputSecrets, redact} from './redact.js'
import type {Settings} from './settings.js'
import {validateTree, workspaceFile} from './validate.js'

export interface PlanOutcome {
  document: PlanDocument
  markdown: string
  /** Every prerequisite passed: `import` may write. */
  ok: boolean
  /** What `import` needs, when the plan got that far. */
  context?: PlanContext
}

export interface PlanContext {
  client: OptimizeClient
  collectionId: string
  git: EntityIndex
  /** Entity id → file, relative to `path`. */
  files: Map<string, string>
  /** Decision XML of the git reports, by id. */
  decisionXml: Map<string, string | undefined>
  target: TargetContent
  body: PlanBody
}

export async function runPlan(settings: Settings, io: Io): Promise<CommandResult> {
  const outcome = await preparePlan(settings, io)
  const result = await publishPlan(settings, outcome)
  if (!outcome.ok) throw new CommandFailedError(failureMessage(outcome.document), result)
  return result
}

/** Writes plan.json; the outputs and the Markdown every plan-running command returns. */
export async function publishPlan(
  settings: Settings,
  outcome: PlanOutcome
): Promise<CommandResult> {
  await mkdir(path.dirname(settings.planFile), {recursive: true})
  await writeFile(
    settings.planFile,
    redact(toCanonicalJson(outcome.document), inputSecrets(settings)),
    'utf8'
  )
  return {
    outputs: {
      [Output.Plan]: settings.planFile,
      [Output.HasChanges]: String(outcome.document.hasChanges)
    },
    summary: outcome.markdown
  }
}

export function failureMessage(document: PlanDocument): string {
  const failed = document.prerequisites.filter(p => p.status === 'failed')
  return `The plan's prerequisites failed, nothing was written: ${failed.map(p => `${p.check}: ${p.message}`).join('; ')}`
}

export async function preparePlan(
  settings: Settings,
  io: Io,
  client?: OptimizeClient
): Promise<PlanOutcome> {
  if (!settings.connection || !settings.collectionId)
    throw new Error('plan needs a connection to Optimize and a target collection.')
  const collectionId = settings.collectionId
  const prerequisites: Prerequisite[] = []
  const finish = (context?: PlanContext): PlanOutcome => {
    const document = planDocument(collectionId, settings.prune, prerequisites, context?.body)
    for (const p of prerequisites) {
      if (p.status === 'failed') io.error(`${p.check}: ${p.message}`)
      else if (p.status === 'warning') io.warning(`${p.check}: ${p.message}`)
      else io.info(`${p.check}: ${p.message}`)
    }
    return {
      document,
      markdown: renderPlanMarkdown(document),
      ok: !prerequisites.some(p => p.status === 'failed'),
      context
    }
  }

  // The target is read while the files are checked: both are read-only.
  const optimize = client ?? OptimizeClient.create(settings.connection, io)
  const reading = exportCollection(optimize, collectionId).then(
    content => ({content}),
    (error: unknown) => ({error})
  )

  // 1. The files, offline.
  const {loaded, problems} = await io.group(`Validating ${settings.relativePath}`, async () =>
    validateTree(settings, io)
  )
  if (problems.length > 0) {
    await reading
    const first = problems[0]
    prerequisites.push({
      check: 'files',
      status: 'failed',
      message: `${problems.length} problems in ${settings.relativePath}, e.g. ${workspaceFile(settings, first.file)}${first.line ? `:${first.line}` : ''}: ${first.message}`
    })
    return finish()
  }
  const entities: Entity[] = loaded.files.map(f => f.entity)
  prerequisites.push({
    check: 'files',
    status: 'ok',
    message: `${loaded.tree.dashboards.length} dashboards and ${loaded.tree.reports.length} reports in ${settings.relativePath} are valid`
  })

  // 2. Credentials, collection and content of the target, read-only.
  const read = await io.group(`Reading collection ${collectionId}`, async () => reading)
  if ('error' in read) {
    prerequisites.push(connectionFailure(read.error, settings.connection.baseUrl))
    return finish()
  }
  const target = read.content
  prerequisites.push({
    check: 'credentials',
    status: 'ok',
    message: `Optimize at ${settings.connection.baseUrl} accepted them`
  })
  prerequisites.push(await collectionCheck(optimize, collectionId, target))

  // 3. Index versions: the target's, against the files'.
  const index = targetIndexVersions(target.entities, settings.optimizeVersion)
  const mismatches = indexVersionMismatches(entities, index.versions)
  if (mismatches.length > 0) {
    prerequisites.push({
      check: 'index versions',
      status: 'failed',
      message: `${mismatches.join('; ')} (target versions ${index.source})`
    })
  } else if (Object.keys(index.versions).length === 0) {
    prerequisites.push({
      check: 'index versions',
      status: 'warning',
      message: `target versions ${index.source}; Optimize checks them at import, before it writes anything`
    })
  } else {
    prerequisites.push({
      check: 'index versions',
      status: index.warning ? 'warning' : 'ok',
      message: index.warning ?? `the files match the target (${index.source})`
    })
  }

  // 4. Definitions: in the collection's data sources, and in the engine.
  const needs = definitionNeeds(loaded.tree.reports.map(r => r.entity))
  if (target.collection) {
    const scope = scopeProblems(target.collection, needs)
    if (scope) prerequisites.push(scope)
  }
  prerequisites.push(await definitionsCheck(settings, optimize, needs))

  // 5. The plan itself.
  const git = indexEntities(entities)
  const body = computePlan({
    git,
    files: new Map(loaded.files.map(f => [f.entity.id, f.file])),
    target: target.index,
    targetReportIds: new Set(target.reportIds),
    prune: settings.prune
  })
  return finish({
    client: optimize,
    collectionId,
    git,
    files: new Map(loaded.files.map(f => [f.entity.id, f.file])),
    decisionXml: new Map(loaded.files.map(f => [f.entity.id, f.decisionXml])),
    target,
    body
  })
}

function connectionFailure(error: unknown, baseUrl: string): Prerequisite {
  if (
    error instanceof OptimizeApiError &&
    (error.status === 401 || error.status === 403 || error.kind === 'auth')
  )
    return {check: 'credentials', status: 'failed', message: error.message}
  const detail =
    error instanceof OptimizeApiError
      ? `${error.message} ${describeErrorBody(error.body)}`.trim()
      : String(error)
  return {
    check: 'target',
    status: 'failed',
    message: `could not read the collection from ${baseUrl}: ${detail}`
  }
}

async function collectionCheck(
  client: OptimizeClient,
  collectionId: string,
  target: TargetContent
): Promise<Prerequisite> {
  const check = 'collection'
  if (target.collection)
    return {
      check,
      status: 'ok',
      message: `'${target.collection.name ?? collectionId}' (${collectionId}) exists`
    }
  // 404: an unknown collection, or an Optimize before 8.6 without the endpoint.
  const collections: Collection[] | undefined = await client.listCollections()
  if (collections !== undefined)
    return {
      check,
      status: 'failed',
      message: `collection '${collectionId}' does not exist in the target`
    }
  const count = target.dashboardIds.length + target.reportIds.length
  if (count > 0)
    return {
      check,
      status: 'ok',
      message: `exists: it lists ${count} entities (this Optimize has no collection endpoint, so the listing tells)`
    }
  return {
    check,
    status: 'warning',
    message: `cannot be checked: this Optimize has no collection endpoint (before 8.6) and lists an unknown collection as empty; Optimize checks it at import, before it writes anything`
  }
}

async function definitionsCheck(
  settings: Settings,
  client: OptimizeClient,
  needs: ReturnType<typeof definitionNeeds>
): Promise<Prerequisite> {
  const check = 'definitions'
  if (!settings.definitionsUrl)
    return {
      check,
      status: 'skipped',
      message: `no 'definitions-url': Optimize checks that the ${needs.length} definitions exist at import, before it writes anything`
    }
  try {
    const result = await checkDefinitions(
      settings.definitionsUrl,
      needs,
      async (method, url, body) => client.requestWithCredentials(method, url, body)
    )
    const api = result.api === 'camunda8' ? 'Camunda 8' : 'Camunda 7'
    if (result.missing.length > 0)
      return {
        check,
        status: 'failed',
        message: `${api} at ${settings.definitionsUrl}: ${result.missing.join('; ')}`
      }
    return {
      check,
      status: 'ok',
      message: `all ${result.found} definitions exist in ${api} at ${settings.definitionsUrl}`
    }
  } catch (error) {
    return {
      check,
      status: 'failed',
      message: `could not ask ${settings.definitionsUrl}: ${(error as Error).message}`
    }
  }
}

/** What the target collection holds, exported and indexed. */
export interface TargetContent {
  /** Undefined when Optimize does not know it, or has no collection endpoint. */
  collection?: Collection
  dashboardIds: string[]
  reportIds: string[]
  entities: Entity[]
  index: EntityIndex
}

export async function exportCollection(
  client: OptimizeClient,
  collectionId: string
): Promise<TargetContent> {
  const [dashboardIds, reportIds, collection] = await Promise.all([
    client.listDashboardIds(collectionId),
    client.listReportIds(collectionId),
    client.getCollection(collectionId)
  ])
  const entities = await exportEntities(client, dashboardIds, reportIds)
  return {collection, dashboardIds, reportIds, entities, index: indexEntities(entities)}
}

/**
 * Dashboards with their reports, then the listed reports no dashboard brought
 * (standalone ones): two bulk calls per `batchSize` ids, never one per entity.
 */
export async function exportEntities(
  client: OptimizeClient,
  dashboardIds: readonly string[],
  reportIds: readonly string[]
): Promise<Entity[]> {
  const entities = new Map<string, Entity>()
  const add = (raw: unknown[]): void => {
    for (const item of raw) {
      const entity = fromLegacy(item as Entity)
      // The full schema only for what the cheap shape check doubts (2,000+ entities a plan).
      if (!looksLikeEntity(entity)) {
        const parsed = EntitySchema.safeParse(entity)
        if (!parsed.success) {
          const id = (item as {id?: unknown})?.id
          throw new Error(
            `the target exported an entity this action cannot read (id ${String(id)}): ${parsed.error.issues[0]?.message}`
          )
        }
      }
      entities.set(`${entity.exportEntityType === 'dashboard' ? 'd' : 'r'}:${entity.id}`, entity)
    }
  }
  // Comparisons leave the definition XML out (Optimize refills it on import), so
  // the process XML, nearly all of an export's bytes, is never even parsed.
  const batches = {decoder: () => new ExportDecoder()}
  if (dashboardIds.length > 0) add(await client.exportDashboards(dashboardIds, batches))
  const rest = reportIds.filter(id => !entities.has(`r:${id}`))
  if (rest.length > 0) add(await client.exportReports(rest, batches))
  return [...entities.values()]
}

/** What comparing and deleting rely on; anything else goes through the full schema. */
function looksLikeEntity(value: unknown): value is Entity {
  const entity = value as Record<string, unknown>
  if (!entity || typeof entity.id !== 'string' || typeof entity.name !== 'string') return false
  if (entity.exportEntityType === 'dashboard') {
    return (
      Array.isArray(entity.tiles) &&
      Array.isArray(entity.availableFilters) &&
      (entity.tiles as Record<string, unknown>[]).every(
        t =>
          t &&
          typeof t.id === 'string' &&
          typeof t.position === 'object' &&
          t.position !== null &&
          typeof t.dimensions === 'object' &&
          t.dimensions !== null
      )
    )
  }
  const data = entity.data as Record<string, unknown> | undefined
  if (!data || typeof data !== 'object') return false
  if (entity.exportEntityType === 'combined_report')
    return (
      Array.isArray(data.reports) &&
      (data.reports as {id?: unknown}[]).every(r => typeof r?.id === 'string')
    )
  return (
    (entity.exportEntityType === 'single_process_report' ||
      entity.exportEntityType === 'single_decision_report') &&
    (data.definitions === undefined || Array.isArray(data.definitions))
  )
}
