/**
 * Pure: the collection file, `collection.json` at the root of `path`. Export
 * by `collection-id` writes it from Optimize's collection (GET
 * /api/public/collection/{id}, Optimize 8.6+): the collection's name and its
 * data sources, each a definition type, key and tenants, sorted, and nothing
 * that differs between environments (no ids, owners, roles or dates).
 *
 *   {"dataSources": [{"definitionKey": "invoice", "definitionType": "process",
 *     "tenants": [null]}], "formatVersion": 1, "name": "Sales"}
 *
 * Validate checks that every definition and tenant a report uses is one of
 * the file's data sources; plan and import with `manage-collection` add the
 * data sources the target lacks (never remove one).
 */
import {z} from 'zod'
import type {Entity} from '../optimize/schemas.js'
import {parseJsonDocument, type JsonDocument} from './json-document.js'
import type {EntityFile, TreeProblem} from './layout.js'
import {compareStrings, compareTenants} from './normalize.js'

export const COLLECTION_FILE = 'collection.json'
export const COLLECTION_FORMAT_VERSION = 1

const DataSourceSchema = z.strictObject({
  definitionType: z.enum(['process', 'decision']),
  definitionKey: z.string().min(1),
  /** Tenant ids; null is the "not defined" tenant of Camunda 7 (Optimize's DEFAULT_TENANT_IDS). */
  tenants: z.array(z.string().nullable()).min(1)
})

const CollectionFileSchema = z.strictObject({
  formatVersion: z.literal(COLLECTION_FORMAT_VERSION),
  name: z.string(),
  dataSources: z.array(DataSourceSchema)
})

/** One data source of a collection: a definition and the tenants the collection may use. */
export type DataSource = z.infer<typeof DataSourceSchema>
export type DefinitionType = DataSource['definitionType']
export type CollectionFile = z.infer<typeof CollectionFileSchema>

/** The collection file of a name and data sources: merged per definition, sorted. */
export function collectionFile(name: string, sources: readonly DataSource[]): CollectionFile {
  return {formatVersion: COLLECTION_FORMAT_VERSION, name, dataSources: mergeSources(sources)}
}

/**
 * The data sources of a collection as Optimize answers GET
 * /api/public/collection/{id}: `data.scope`, entries of
 * `{id, definitionType, definitionKey, tenants}` with tenant ids
 * (CollectionDefinitionDto, CollectionScopeEntryDto). Tenants given as
 * `{id, name}` objects (the internal API's shape) are read by their id.
 * Undefined when the answer has no scope list.
 */
export function dataSourcesOf(collection: Record<string, unknown>): DataSource[] | undefined {
  const data = collection.data as {scope?: unknown} | undefined
  if (!data || !Array.isArray(data.scope)) return undefined
  const sources: DataSource[] = []
  for (const entry of data.scope as Record<string, unknown>[]) {
    const type = String(entry.definitionType).toLowerCase()
    if ((type !== 'process' && type !== 'decision') || typeof entry.definitionKey !== 'string')
      continue
    const tenants = Array.isArray(entry.tenants) ? entry.tenants.map(tenantId) : [null]
    sources.push({definitionType: type, definitionKey: entry.definitionKey, tenants})
  }
  return mergeSources(sources)
}

/** Scope tenants are ids (emulator) or `{id, name}` objects (Optimize's collection DTO). */
export function tenantId(tenant: unknown): string | null {
  if (tenant && typeof tenant === 'object') return tenantId((tenant as {id?: unknown}).id)
  return typeof tenant === 'string' ? tenant : null
}

/** One entry per type and key, tenants without repeats; sorted (null, the default tenant, first). */
export function mergeSources(sources: readonly DataSource[]): DataSource[] {
  const byId = new Map<string, DataSource>()
  for (const source of sources) {
    const id = definitionId(source.definitionType, source.definitionKey)
    const merged = byId.get(id) ?? {...source, tenants: []}
    for (const tenant of source.tenants)
      if (!merged.tenants.includes(tenant)) merged.tenants.push(tenant)
    byId.set(id, merged)
  }
  return [...byId.values()]
    .map(source => ({...source, tenants: [...source.tenants].sort(compareTenants)}))
    .sort(
      (a, b) =>
        compareStrings(a.definitionType, b.definitionType) ||
        compareStrings(a.definitionKey, b.definitionKey)
    )
}

/**
 * A definition's id: `type:key`, as Optimize's scope entry id
 * (CollectionScopeEntryDto.convertTypeAndKeyToScopeEntryId).
 */
export function definitionId(type: DefinitionType, key: string): string {
  return `${type}:${key}`
}

/**
 * What of `wanted` is not in `current`: whole data sources, and the tenants
 * an existing one lacks. Empty when `current` covers `wanted`.
 */
export function missingSources(
  wanted: readonly DataSource[],
  current: readonly DataSource[]
): DataSource[] {
  const have = new Map(current.map(s => [definitionId(s.definitionType, s.definitionKey), s]))
  const missing: DataSource[] = []
  for (const source of mergeSources(wanted)) {
    const existing = have.get(definitionId(source.definitionType, source.definitionKey))
    const tenants = source.tenants.filter(t => !existing?.tenants.includes(t))
    if (tenants.length > 0) missing.push({...source, tenants})
  }
  return missing
}

/** A data source in words: "process 'invoice' (tenants: not defined, 'eu')". */
export function describeSource(source: DataSource): string {
  return `${source.definitionType} '${source.definitionKey}' (tenants: ${source.tenants.map(describeTenant).join(', ')})`
}

export function describeTenant(tenant: string | null): string {
  return tenant === null ? 'none (not defined)' : `'${tenant}'`
}

/** The data sources the reports use: one per definition, with the tenants they ask for. */
export function sourcesUsedBy(entities: Iterable<Entity>): DataSource[] {
  const used: DataSource[] = []
  for (const entity of entities) {
    if (entity.exportEntityType === 'dashboard' || entity.exportEntityType === 'combined_report')
      continue
    const definitionType = definitionTypeOf(entity)
    for (const definition of entity.data.definitions ?? [])
      used.push({
        definitionType,
        definitionKey: definition.key,
        tenants: definition.tenantIds ?? [null]
      })
  }
  return mergeSources(used)
}

/** The type of definition a report reads: decision reports decisions, the others processes. */
export function definitionTypeOf(entity: Entity): DefinitionType {
  return entity.exportEntityType === 'single_decision_report' ? 'decision' : 'process'
}

/** The collection file read back, or its problems (each with a line where it has one). */
export interface ParsedCollectionFile {
  collection?: CollectionFile
  document: JsonDocument
  problems: TreeProblem[]
}

export function parseCollectionFile(text: string): ParsedCollectionFile {
  const document = parseJsonDocument(text)
  const problems: TreeProblem[] = document.problems.map(p => ({file: COLLECTION_FILE, ...p}))
  if (problems.length) return {document, problems}
  const result = CollectionFileSchema.safeParse(document.value)
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = document.locate(issue.path as (string | number)[])
      const at = issue.path.length ? ` at ${issue.path.join('.')}` : ''
      problems.push({file: COLLECTION_FILE, ...where, message: `${issue.message}${at}`})
    }
    return {document, problems}
  }
  const seen = new Set<string>()
  result.data.dataSources.forEach((source, i) => {
    const id = definitionId(source.definitionType, source.definitionKey)
    if (seen.has(id))
      problems.push({
        file: COLLECTION_FILE,
        ...document.locate(['dataSources', i]),
        message: `${source.definitionType} definition '${source.definitionKey}' is listed twice; list each definition once, with all its tenants`
      })
    seen.add(id)
  })
  return problems.length ? {document, problems} : {collection: result.data, document, problems}
}

/**
 * Every definition and tenant a report uses that the collection file does
 * not list, each at the report file's line of the definition (or tenant):
 * Optimize refuses to import such a report into the collection (409,
 * optimize-api.md §4.1 step 9f).
 */
export function coverageProblems(
  files: readonly EntityFile[],
  collection: CollectionFile
): TreeProblem[] {
  const sources = new Map(
    collection.dataSources.map(s => [definitionId(s.definitionType, s.definitionKey), s])
  )
  const problems: TreeProblem[] = []
  for (const {file, entity, document} of files) {
    if (entity.exportEntityType === 'dashboard' || entity.exportEntityType === 'combined_report')
      continue
    const type = definitionTypeOf(entity)
    ;(entity.data.definitions ?? []).forEach((definition, i) => {
      const at = (path: (string | number)[], message: string): void => {
        problems.push({file, ...document.locate(['data', 'definitions', i, ...path]), message})
      }
      const what = `${type} definition '${definition.key}'`
      const source = sources.get(definitionId(type, definition.key))
      if (!source) {
        at(['key'], `${what} is not a data source of the collection (${COLLECTION_FILE})`)
        return
      }
      const tenants = definition.tenantIds ?? [null]
      tenants.forEach((tenant, j) => {
        if (source.tenants.includes(tenant)) return
        at(
          definition.tenantIds ? ['tenantIds', j] : [],
          `tenant ${describeTenant(tenant)} of ${what} is not in its data source in ${COLLECTION_FILE} (tenants: ${source.tenants.map(describeTenant).join(', ')})`
        )
      })
    })
  }
  return problems
}
