/**
 * An environment's mapping (environment-config.ts) applied to the files as
 * read: every report's definition keys and tenants, and collection.json's
 * data sources, renamed for the target. Pure; the files themselves keep the
 * source values. `plan` and `import` compare and send the mapped entities.
 */
import type {Entity, Report} from '../optimize/schemas.js'
import {
  describeTenant,
  mergeSources,
  type CollectionFile,
  type DataSource
} from './collection-file.js'
import type {EnvironmentMapping} from './environment-config.js'
import type {LoadedTree} from './layout.js'
import {compareStrings, sortedDefinition} from './normalize.js'

export interface MappedTree {
  loaded: LoadedTree
  /** One line per mapping that changed something, e.g. "tenant 'dev' → 'prod' in 3 reports", sorted. */
  applied: string[]
}

/** The tree with the mapping applied: entities copied where they change, the rest shared. */
export function applyEnvironment(loaded: LoadedTree, mapping: EnvironmentMapping): MappedTree {
  const uses = new AppliedMappings()
  const mapped = new Map<Entity, Entity>()
  for (const {entity} of loaded.tree.reports) {
    const report = mapReport(entity, mapping, line => uses.note(line, `report:${entity.id}`))
    if (report !== entity) mapped.set(entity, report)
  }
  const collection = loaded.collection
    ? mapCollection(loaded.collection, mapping, line => uses.note(line, 'collection'))
    : undefined
  return {loaded: {...replaceEntities(loaded, mapped), collection}, applied: uses.lines()}
}

/**
 * Where each change of a mapping applied ("tenant 'a' → 'b'"): reports by
 * id, or 'collection'. Its lines say how often: "… in 2 reports and collection.json".
 */
export class AppliedMappings {
  readonly #uses = new Map<string, Set<string>>()

  note(line: string, where: string): void {
    const set = this.#uses.get(line) ?? new Set<string>()
    set.add(where)
    this.#uses.set(line, set)
  }

  /** One line per change, sorted. */
  lines(): string[] {
    return [...this.#uses]
      .map(([line, where]) => {
        const reports = [...where].filter(w => w.startsWith('report:')).length
        const parts = [
          ...(reports > 0 ? [`${reports} ${reports === 1 ? 'report' : 'reports'}`] : []),
          ...(where.has('collection') ? ['collection.json'] : [])
        ]
        return `${line} in ${parts.join(' and ')}`
      })
      .sort(compareStrings)
  }
}

/** The tree with some entities replaced (old → new), in the tree and in the files alike. */
export function replaceEntities(
  loaded: LoadedTree,
  replaced: ReadonlyMap<Entity, Entity>
): LoadedTree {
  if (replaced.size === 0) return loaded
  const swap = <T extends Entity>(entity: T): T => (replaced.get(entity) as T | undefined) ?? entity
  return {
    ...loaded,
    tree: {
      dashboards: loaded.tree.dashboards,
      reports: loaded.tree.reports.map(r => ({...r, entity: swap(r.entity)}))
    },
    files: loaded.files.map(f => ({...f, entity: swap(f.entity)}))
  }
}

/** The target's key of a source definition key. */
export function targetKey(mapping: EnvironmentMapping, key: string): string {
  return mapping.definitions.get(key) ?? key
}

/** The target's tenant of a source tenant (null: the default tenant). */
export function targetTenant(mapping: EnvironmentMapping, tenant: string | null): string | null {
  return mapping.tenants.has(tenant) ? (mapping.tenants.get(tenant) ?? null) : tenant
}

function mapKey(key: string, mapping: EnvironmentMapping, note: (line: string) => void): string {
  const target = targetKey(mapping, key)
  if (target === key) return key
  note(`definition '${key}' → '${target}'`)
  return target
}

function mapTenants(
  tenants: readonly (string | null)[],
  mapping: EnvironmentMapping,
  note: (line: string) => void
): (string | null)[] {
  const out: (string | null)[] = []
  for (const tenant of tenants) {
    const target = targetTenant(mapping, tenant)
    if (target !== tenant) note(`tenant ${describeTenant(tenant)} → ${describeTenant(target)}`)
    if (!out.includes(target)) out.push(target)
  }
  return out
}

/** A report with its definitions mapped; the same object when nothing maps. */
export function mapReport(
  report: Report,
  mapping: EnvironmentMapping,
  note: (line: string) => void
): Report {
  if (report.exportEntityType === 'combined_report') return report
  const definitions = report.data.definitions
  if (!definitions) return report
  let changed = false
  const next = definitions.map(definition => {
    const key = mapKey(definition.key, mapping, note)
    // Absent tenantIds means the default tenant (Optimize's import default); absent stays absent unless it maps.
    const before = definition.tenantIds ?? [null]
    const tenants = mapTenants(before, mapping, note)
    const sameTenants = tenants.length === before.length && tenants.every((t, i) => t === before[i])
    if (key === definition.key && sameTenants) return definition
    changed = true
    // In the order a normalized export has them, so the target's copy compares equal.
    return sortedDefinition({...definition, key, ...(sameTenants ? {} : {tenantIds: tenants})})
  })
  if (!changed) return report
  return {...report, data: {...report.data, definitions: next}}
}

function mapCollection(
  collection: CollectionFile,
  mapping: EnvironmentMapping,
  note: (line: string) => void
): CollectionFile {
  const sources: DataSource[] = collection.dataSources.map(source => ({
    definitionType: source.definitionType,
    definitionKey: mapKey(source.definitionKey, mapping, note),
    tenants: mapTenants(source.tenants, mapping, note)
  }))
  return {...collection, dataSources: mergeSources(sources)}
}
