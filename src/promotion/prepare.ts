/**
 * The plan of a promotion, shared by the `plan` and `import` commands: what a
 * release would do to the target collection, read-only.
 *
 * Prerequisites first (the files are valid, the credentials work, the
 * collection exists, the index versions match, the definitions exist), then
 * one plan item per dashboard and standalone report: create, replace (with
 * what differs), unchanged, or delete, and the bound on deletions. Written
 * as plan.json (canonical, deterministic) and as Markdown. `import` writes
 * nothing unless every prerequisite passed.
 */
import {createHash} from 'node:crypto'
import type {CommandResult} from '../command.js'
import {Output} from '../constants.js'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {Fingerprinter, indexEntities, type EntityIndex} from '../entities/promotion-compare.js'
import {
  checkDefinitions,
  definitionNeeds,
  scopeProblems
} from '../entities/promotion-definitions.js'
import {indexVersionMismatches, targetIndexVersions} from '../entities/promotion-index.js'
import {renderPlanMarkdown} from '../entities/promotion-markdown.js'
import {
  deletionCheck,
  planDocument,
  type PlanBasis,
  type PlanDocument,
  type Prerequisite
} from '../entities/plan-document.js'
import {computePlan, type PlanBody} from '../entities/promotion-plan.js'
import type {Io} from '../io.js'
import {OptimizeClient} from '../optimize/client.js'
import {describeErrorBody, OptimizeApiError} from '../optimize/errors.js'
import {
  exportCollection,
  LIST_FETCH_LIMIT,
  truncatedListings,
  type TargetContent
} from '../optimize/entities.js'
import type {Collection, Entity} from '../optimize/schemas.js'
import {writeTextNoFollow} from './plan-file.js'
import {inputSecrets, redact} from '../redact.js'
import type {Settings} from '../settings.js'
import {openDesiredState, validateTree, workspaceFile} from '../validate.js'

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

/**
 * plan.json's text: canonical JSON without any secret of the inputs (names
 * and messages come from the server). What is compared with an approved plan.
 */
export function planFileText(settings: Settings, document: PlanDocument): string {
  return redact(toCanonicalJson(document), inputSecrets(settings))
}

/** Writes plan.json; the outputs and the Markdown every plan-running command returns. */
export async function publishPlan(
  settings: Settings,
  outcome: PlanOutcome
): Promise<CommandResult> {
  writeTextNoFollow(
    settings.planFile,
    planFileText(settings, outcome.document),
    "input 'plan-file'"
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
  const target = {
    optimizeUrl: settings.connection.baseUrl,
    collectionId,
    prune: settings.prune
  }
  const finish = async (context?: PlanContext, basis?: PlanBasis): Promise<PlanOutcome> => {
    const document = planDocument(target, prerequisites, context?.body, basis)
    await io.group('Prerequisites', async () => {
      for (const p of prerequisites) {
        if (p.status === 'failed') io.error(`${p.check}: ${p.message}`)
        else if (p.status === 'warning') io.warning(`${p.check}: ${p.message}`)
        else io.info(`${p.check}: ${p.message}`)
      }
    })
    return {
      document,
      markdown: renderPlanMarkdown(document),
      ok: !prerequisites.some(p => p.status === 'failed'),
      context
    }
  }

  openDesiredState(settings, io)
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
  const content = read.content
  prerequisites.push({
    check: 'credentials',
    status: 'ok',
    message: `Optimize at ${settings.connection.baseUrl} accepted them`
  })
  prerequisites.push(await collectionCheck(optimize, collectionId, content))
  const listing = listingCheck(content, settings.prune)
  if (listing) prerequisites.push(listing)
  if (content.dangling.length > 0)
    prerequisites.push({
      check: 'target dashboards',
      status: 'warning',
      message: `${content.dangling.length} dashboards of the target cannot be exported, because a tile references a report that no longer exists (${content.dangling.join(', ')}): the plan cannot see them, so one with a name in git is created beside it. Remove the broken tiles in Optimize`
    })

  // 3. Index versions: the target's, against the files'.
  const index = targetIndexVersions(content.entities, settings.optimizeVersion)
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
  if (content.collection) {
    const scope = scopeProblems(content.collection, needs)
    if (scope) prerequisites.push(scope)
  }
  prerequisites.push(await definitionsCheck(settings, optimize, needs))

  // 5. The plan itself, and the bound on what it may delete.
  const git = indexEntities(entities)
  const files = new Map(loaded.files.map(f => [f.entity.id, f.file]))
  const body = computePlan({
    git,
    files,
    target: content.index,
    targetReportIds: new Set(content.reportIds),
    prune: settings.prune
  })
  prerequisites.push(deletionCheck(body, content.index.dashboards.length, settings.maxDeletions))
  const context: PlanContext = {
    client: optimize,
    collectionId,
    git,
    files,
    decisionXml: new Map(loaded.files.map(f => [f.entity.id, f.decisionXml])),
    target: content,
    body
  }
  return finish(context, planBasis(loaded.texts, content.index))
}

/** What the plan was computed from (PlanBasis): file and target digests, sorted. */
function planBasis(texts: ReadonlyMap<string, string>, target: EntityIndex): PlanBasis {
  const files: Record<string, string> = {}
  for (const file of [...texts.keys()].sort())
    files[file] = createHash('sha256')
      .update(texts.get(file) ?? '')
      .digest('hex')
  const prints = new Fingerprinter(target)
  const entities = [
    ...target.dashboards.map(d => [`dashboard/${d.id}`, prints.hash(d)]),
    ...[...target.reports.values()].map(r => [`report/${r.id}`, prints.hash(r)])
  ].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return {files, target: Object.fromEntries(entities) as Record<string, string>}
}

/**
 * A listing of LIST_FETCH_LIMIT entities may be cut short: the plan may miss
 * what lies beyond. It says so; with prune it refuses, since what it cannot
 * see it cannot keep apart from what it would delete.
 */
function listingCheck(content: TargetContent, prune: boolean): Prerequisite | undefined {
  const cut = truncatedListings(content.dashboardIds, content.reportIds)
  if (cut.length === 0) return undefined
  const what = `the target lists exactly ${LIST_FETCH_LIMIT} ${cut.join(' and ')}, where Optimize stops a listing (LIST_FETCH_LIMIT): the collection may hold more, which this plan cannot see`
  return prune
    ? {
        check: 'listing',
        status: 'failed',
        message: `${what}; prune cannot rely on it. Split the collection, or run without prune`
      }
    : {
        check: 'listing',
        status: 'warning',
        message: `${what}: a dashboard beyond it would be imported again instead of found unchanged`
      }
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
