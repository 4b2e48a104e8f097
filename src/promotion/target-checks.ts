/**
 * The prerequisites of a plan that ask the target (and the engine): is the
 * collection there, could it be read, may its listings be cut short, do the
 * definitions exist. Each answers one Prerequisite line of the plan.
 */
import {indexVersionMismatches, type targetIndexVersions} from '../entities/index-versions.js'
import {checkDefinitions, type definitionNeeds} from '../entities/promotion-definitions.js'
import type {Prerequisite} from '../entities/plan-document.js'
import type {OptimizeClient} from '../optimize/client.js'
import {describeErrorBody, OptimizeApiError} from '../optimize/errors.js'
import {LIST_FETCH_LIMIT, truncatedListings, type TargetContent} from '../optimize/entities.js'
import type {Entity} from '../optimize/schemas.js'
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

export async function definitionsCheck(
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
    const missing = result.missing.length > 0
    return {
      check,
      status: missing ? 'failed' : 'ok',
      message: missing
        ? `${api} at ${settings.definitionsUrl}: ${result.missing.join('; ')}`
        : `all ${result.found} definitions exist in ${api} at ${settings.definitionsUrl}`
    }
  } catch (error) {
    return {
      check,
      status: 'failed',
      message: `could not ask ${settings.definitionsUrl}: ${(error as Error).message}`
    }
  }
}
