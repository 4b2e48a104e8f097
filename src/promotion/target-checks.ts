/**
 * The prerequisites of a plan that ask the target (and the engine): is the
 * collection there, could it be read, may its listings be cut short, do the
 * definitions exist (and with an environment's version policy, what is sent
 * for versions the engine lacks). Each answers one Prerequisite line of the plan.
 */
import {indexVersionMismatches, type targetIndexVersions} from '../entities/index-versions.js'
import {readEngine} from '../entities/engine-definitions.js'
import type {EnvironmentValues} from '../entities/environment-values.js'
import type {LoadedTree} from '../entities/layout.js'
import {definitionNeeds, definitionProblems} from '../entities/promotion-definitions.js'
import {applyVersionPolicy} from '../entities/version-policy.js'
import type {Prerequisite} from '../entities/plan-document.js'
import type {OptimizeClient} from '../optimize/client.js'
import {describeErrorBody, OptimizeApiError} from '../optimize/errors.js'
import {LIST_FETCH_LIMIT, truncatedListings, type TargetContent} from '../optimize/entities.js'
import type {Entity, Report} from '../optimize/schemas.js'
import type {Settings} from '../settings.js'

/**
 * A listing of LIST_FETCH_LIMIT entities may be cut short: the plan may miss
 * what lies beyond. It says so; with prune it refuses, since what it cannot
 * see it cannot keep apart from what it would delete.
 */
export function listingCheck(content: TargetContent, prune: boolean): Prerequisite | undefined {
  const cut = truncatedListings(content.dashboardIds, content.reportIds)
  if (cut.length === 0) return undefined
  const what = `the target lists exactly ${LIST_FETCH_LIMIT} ${cut.join(' and ')}, where Optimize stops a listing (LIST_FETCH_LIMIT): the collection may hold more, which this plan cannot see`
  return {
    check: 'listing',
    status: prune ? 'failed' : 'warning',
    message: prune
      ? `${what}; prune cannot rely on it. Split the collection, or run without prune`
      : `${what}: a dashboard beyond it would be imported again instead of found unchanged`
  }
}

export function connectionFailure(error: unknown, baseUrl: string): Prerequisite {
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

export async function collectionCheck(
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
  if ((await client.listCollections()) !== undefined)
    return {
      check,
      status: 'failed',
      message: `collection '${collectionId}' does not exist in the target`
    }
  const count = target.dashboardIds.length + target.reportIds.length
  return {
    check,
    status: count > 0 ? 'ok' : 'warning',
    message:
      count > 0
        ? `exists: it lists ${count} entities (this Optimize has no collection endpoint, so the listing tells)`
        : `cannot be checked: this Optimize has no collection endpoint (before 8.6) and lists an unknown collection as empty; Optimize checks it at import, before it writes anything`
  }
}

/** The target's index versions (learned from its entities or `optimize-version`) against the files'. */
export function indexVersionCheck(
  index: ReturnType<typeof targetIndexVersions>,
  entities: readonly Entity[]
): Prerequisite {
  const check = 'index versions'
  const mismatches = indexVersionMismatches(entities, index.versions)
  if (mismatches.length > 0)
    return {
      check,
      status: 'failed',
      message: `${mismatches.join('; ')} (target versions ${index.source})`
    }
  if (Object.keys(index.versions).length === 0)
    return {
      check,
      status: 'warning',
      message: `target versions ${index.source}; Optimize checks them at import, before it writes anything`
    }
  return {
    check,
    status: index.warning ? 'warning' : 'ok',
    message: index.warning ?? `the files match the target (${index.source})`
  }
}

/** The definitions check, and the reports as sent: with an environment's version policy applied. */
export interface DefinitionsChecked {
  prerequisite: Prerequisite
  loaded: LoadedTree
  /** The version policy's rewrites, as lines of the plan's environment mappings. */
  applied: string[]
}

/**
 * Asks the engine at 'definitions-url' for every definition the reports
 * need (entities/engine-definitions.ts), applies the environment's version
 * policy to what it lacks (entities/version-policy.ts), and checks the
 * reports as they will be sent (entities/promotion-definitions.ts).
 */
export async function definitionsCheck(
  settings: Settings,
  client: OptimizeClient,
  loaded: LoadedTree,
  environment?: EnvironmentValues
): Promise<DefinitionsChecked> {
  const check = 'definitions'
  const reports = (tree: LoadedTree): Report[] => tree.tree.reports.map(r => r.entity)
  const needs = definitionNeeds(reports(loaded))
  const policy = environment?.mapping.versions ?? 'keep'
  const unchanged = (prerequisite: Prerequisite): DefinitionsChecked => ({
    prerequisite,
    loaded,
    applied: []
  })
  if (!settings.definitionsUrl) {
    const skipped = `no 'definitions-url': Optimize checks that the ${needs.length} definitions exist at import, before it writes anything`
    if (policy === 'keep' || !environment)
      return unchanged({check, status: 'skipped', message: skipped})
    return unchanged({
      check,
      status: 'warning',
      message: `${skipped}; the version policy '${policy}' of environment '${environment.mapping.name}' needs it to tell which pinned versions the target lacks, and changes nothing without it`
    })
  }
  const url = settings.definitionsUrl
  let engine
  try {
    engine = await readEngine(url, needs, async (method, to, body) =>
      client.requestWithCredentials(method, to, body)
    )
  } catch (error) {
    return unchanged({
      check,
      status: 'failed',
      message: `could not ask ${url}: ${(error as Error).message}`
    })
  }
  const api = engine.api === 'camunda8' ? 'Camunda 8' : 'Camunda 7'
  const sent = applyVersionPolicy(loaded, policy, engine)
  const result = definitionProblems(definitionNeeds(reports(sent.loaded)), engine, environment)
  const rewritten =
    sent.rewritten > 0 && environment
      ? `; the version policy '${policy}' of environment '${environment.mapping.name}' sends ${sent.rewritten} report ${sent.rewritten === 1 ? 'definition' : 'definitions'} pinned to versions it lacks with ['${policy}']`
      : ''
  const hint =
    environment && policy === 'keep' && result.pinned > 0 ? `; ${environment.versionsHint()}` : ''
  const prerequisite: Prerequisite =
    result.missing.length > 0
      ? {
          check,
          status: 'failed',
          message: `${api} at ${url}: ${result.missing.join('; ')}${hint}${rewritten}`
        }
      : {
          check,
          status: 'ok',
          message: `all ${result.found} definitions exist in ${api} at ${url}${rewritten}`
        }
  return {prerequisite, loaded: sent.loaded, applied: sent.applied}
}
