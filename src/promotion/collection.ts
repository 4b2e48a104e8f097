/**
 * The collection itself in a promotion (`manage-collection`,
 * `collection-name`): which collection is the target, what import does to it
 * before it imports any entity, and doing that.
 *
 * - The target is `collection-id`, or the one collection whose name is
 *   exactly `collection-name` (GET /api/public/collection lists ids only, so
 *   each is read); none: import creates it; two or more: the plan fails.
 * - Import adds the data sources the files need and the collection lacks
 *   (PUT …/scope, which merges and never removes), and creates the collection
 *   first when needed (POST …/create with `collection-owner`: the owner is
 *   the new collection's only manager, and Optimize shows a collection only
 *   to its roles). It never removes a data source, and never deletes a
 *   collection, not even one it created in a run that then failed.
 * - Optimize before 8.6 has none of these endpoints: the plan fails, listing
 *   the data sources to add in Optimize's UI.
 */
import {
  describeSource,
  dataSourcesOf,
  mergeSources,
  missingSources,
  sourcesUsedBy,
  type DataSource
} from '../entities/collection-file.js'
import type {LoadedTree} from '../entities/layout.js'
import type {PlanCollection, Prerequisite} from '../entities/plan-document.js'
import {indexEntities} from '../entities/promotion-compare.js'
import type {Io} from '../io.js'
import type {OptimizeClient} from '../optimize/client.js'
import {exportCollection, type TargetContent} from '../optimize/entities.js'
import {failureText} from '../optimize/errors.js'
import type {Settings} from '../settings.js'

export type CollectionTarget =
  /** Named by `collection-id`, or the one collection with `collection-name`. */
  | {kind: 'id'; id: string}
  /** No collection has `collection-name`: import creates it. */
  | {kind: 'new'; name: string}
  /** `collection-name` cannot name one: no collection endpoints (`ids` empty), or several have it. */
  | {kind: 'unresolved'; name: string; ids: string[]}

/** The target collection and what it holds (nothing, for one import creates; unknown when unresolved). */
export async function readTarget(
  settings: Settings,
  client: OptimizeClient
): Promise<{target: CollectionTarget; content?: TargetContent}> {
  const target = await resolveTarget(settings, client)
  if (target.kind === 'id') return {target, content: await exportCollection(client, target.id)}
  if (target.kind === 'unresolved') return {target}
  const content: TargetContent = {
    dashboardIds: [],
    reportIds: [],
    entities: [],
    dangling: [],
    index: indexEntities([])
  }
  return {target, content}
}

async function resolveTarget(
  settings: Settings,
  client: OptimizeClient
): Promise<CollectionTarget> {
  if (settings.collectionId) return {kind: 'id', id: settings.collectionId}
  const name = settings.collectionName ?? ''
  const listed = await client.listCollections()
  if (!listed) return {kind: 'unresolved', name, ids: []}
  const collections = await Promise.all(listed.map(async ({id}) => client.getCollection(id)))
  const ids = collections
    .filter(collection => collection?.name === name)
    .map(collection => collection?.id ?? '')
    .sort()
  if (ids.length === 0) return {kind: 'new', name}
  if (ids.length === 1) return {kind: 'id', id: ids[0]}
  return {kind: 'unresolved', name, ids}
}

/** The data sources the files need: collection.json's, and every definition and tenant a report uses. */
export function wantedSources(loaded: LoadedTree): DataSource[] {
  const reports = loaded.files.map(file => file.entity)
  return mergeSources([...(loaded.collection?.dataSources ?? []), ...sourcesUsedBy(reports)])
}

/** The failed prerequisite of a `collection-name` that names no single collection. */
export function unresolvedCheck(
  target: Extract<CollectionTarget, {kind: 'unresolved'}>,
  wanted: readonly DataSource[]
): Prerequisite {
  return {
    check: 'collection',
    status: 'failed',
    message:
      target.ids.length > 0
        ? `${target.ids.length} collections are named '${target.name}' (${target.ids.join(', ')}): rename all but one in Optimize, or set 'collection-id'`
        : `'collection-name' needs Optimize's collection endpoints, which this Optimize does not have (GET /api/public/collection answered 404; they exist from 8.6): create collection '${target.name}' in Optimize with these data sources, then set 'collection-id' instead: ${listed(wanted)}`
  }
}

/**
 * The plan's collection part with `manage-collection`, and its prerequisite:
 * the collection to create, the data sources to add. Undefined when the
 * collection does not exist (collectionCheck fails the plan already).
 */
export async function planCollection(
  settings: Settings,
  client: OptimizeClient,
  target: Exclude<CollectionTarget, {kind: 'unresolved'}>,
  content: TargetContent,
  wanted: DataSource[]
): Promise<{part?: PlanCollection; prerequisite?: Prerequisite}> {
  if (target.kind === 'new') {
    const owner = settings.collectionOwner
    if (!owner)
      return {
        prerequisite: {
          check: 'collection',
          status: 'failed',
          message: `no collection is named '${target.name}', and creating it needs input 'collection-owner': the Optimize user ID it belongs to (only a collection's roles see it in Optimize)`
        }
      }
    return {
      part: {name: target.name, create: true, owner, addDataSources: wanted},
      prerequisite: {
        check: 'collection',
        status: 'ok',
        message: `no collection is named '${target.name}': import creates it, owned by '${owner}', with ${wanted.length} data sources`
      }
    }
  }
  const current = content.collection ? dataSourcesOf(content.collection) : undefined
  if (!current) {
    if (!content.collection && (await client.listCollections()) !== undefined) return {}
    const message = content.collection
      ? `Optimize's answer for collection ${target.id} has no data sources (data.scope), so 'manage-collection' cannot tell what to add`
      : `'manage-collection' needs Optimize's collection endpoints, which this Optimize does not have (they exist from 8.6): make sure collection ${target.id} has these data sources in Optimize's UI (the collection's Data Sources tab), then run without 'manage-collection': ${listed(wanted)}`
    return {prerequisite: {check: 'data sources', status: 'failed', message}}
  }
  const add = missingSources(wanted, current)
  return {
    part: {name: content.collection?.name ?? '', create: false, addDataSources: add},
    prerequisite: {
      check: 'data sources',
      status: 'ok',
      message:
        add.length > 0
          ? `import adds ${add.length} to the collection (and removes none): ${listed(add)}`
          : `the collection has all ${wanted.length} data sources the files need`
    }
  }
}

function listed(sources: readonly DataSource[]): string {
  return sources.map(describeSource).join('; ')
}

/** Whether the plan changes the collection before the entities (no dry run can see past that). */
export function changesCollection(part: PlanCollection | undefined): boolean {
  return part !== undefined && (part.create || part.addDataSources.length > 0)
}

/** A failure while changing the collection; `created` is a collection this run made. */
export class CollectionChangeError extends Error {
  override name = 'CollectionChangeError'
  constructor(
    message: string,
    readonly created?: string
  ) {
    super(message)
  }
}

/**
 * Import's first writes: creates the collection and adds its data sources,
 * as the plan says, then reads it back to check them. Answers the target
 * collection's id. Throws a CollectionChangeError naming a collection it
 * created, which stays.
 */
export async function applyCollection(
  client: OptimizeClient,
  io: Io,
  part: PlanCollection | undefined,
  collectionId: string | null
): Promise<{id: string; created?: string}> {
  if (!part || !changesCollection(part)) return {id: collectionId ?? ''}
  let id = collectionId ?? ''
  let created: string | undefined
  if (part.create) {
    try {
      id = created = await client.createCollection(part.name, part.owner ?? '')
    } catch (error) {
      throw new CollectionChangeError(
        `creating collection '${part.name}' failed: ${failureText(error)}; should Optimize have created it anyway, the next run finds it by its name`
      )
    }
    io.info(`Created collection '${part.name}' (${id}), owned by '${part.owner}'`)
  }
  if (part.addDataSources.length === 0) return {id, created}
  try {
    await client.addCollectionScope(id, part.addDataSources)
    const now = await client.getCollection(id)
    const missing = missingSources(part.addDataSources, (now && dataSourcesOf(now)) ?? [])
    if (missing.length > 0)
      throw new Error(`the collection still lacks ${listed(missing)} after Optimize accepted them`)
  } catch (error) {
    throw new CollectionChangeError(
      `adding data sources to collection ${id} failed: ${failureText(error)}`,
      created
    )
  }
  io.info(
    `Added ${part.addDataSources.length} data sources to collection ${id}: ${listed(part.addDataSources)}`
  )
  return {id, created}
}
