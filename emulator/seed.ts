// seedEntities(): load export files (e.g. the real fixture) into a collection and, by default,
// register every definition/version/tenant the reports need and put it into the collection
// scope, and the variables the dashboards' variable filters name on the definitions of their
// reports, so that a round trip through the import checks succeeds (as it does in an Optimize
// whose data has those definitions and variables).
import type {EmulatorState} from './state.js'
import type {DefinitionType, JsonObject} from './types.js'
import {isObject} from './types.js'

export interface SeedOptions {
  collectionId: string
  /** Create the collection when it does not exist (default true). */
  createCollection?: boolean
  /** Register definitions and extend the scope (default true). */
  registerDefinitions?: boolean
}

export function seedEntities(state: EmulatorState, entities: object[], options: SeedOptions): void {
  const {collectionId} = options
  if (!state.collections.has(collectionId)) {
    if (options.createCollection === false) throw new Error(`unknown collection ${collectionId}`)
    state.addCollection({id: collectionId, name: `Collection ${collectionId}`})
  }
  for (const entity of entities) {
    if (!isObject(entity)) throw new Error('every seeded entity must be an object')
    if (options.registerDefinitions !== false) registerFor(state, collectionId, entity)
    state.putEntity(entity, collectionId)
  }
  if (options.registerDefinitions === false) return
  for (const entity of entities as JsonObject[]) {
    if (entity.exportEntityType === 'dashboard') registerFilterVariables(state, entity)
  }
}

/** The variables a dashboard's variable filters name, on the process keys of its tiles' reports. */
function registerFilterVariables(state: EmulatorState, dashboard: JsonObject): void {
  const filters = Array.isArray(dashboard.availableFilters) ? dashboard.availableFilters : []
  const variables = filters
    .filter(isObject)
    .filter(f => f.type === 'variable' && isObject(f.data))
    .map(f => f.data as JsonObject)
    .map(d => ({name: String(d.name), type: String(d.type)}))
  if (variables.length === 0) return
  const tiles = Array.isArray(dashboard.tiles) ? dashboard.tiles : (dashboard.reports ?? [])
  const ids = (Array.isArray(tiles) ? tiles : []).filter(isObject).map(t => String(t.id))
  for (const id of ids) {
    const report = state.getReport(id)
    const data = report && isObject(report.data) ? report.data : {}
    const definitions = Array.isArray(data.definitions) ? data.definitions.filter(isObject) : []
    for (const def of definitions)
      if (typeof def.key === 'string') state.addVariables(def.key, variables)
  }
}

function registerFor(state: EmulatorState, collectionId: string, entity: JsonObject): void {
  let type: DefinitionType
  if (entity.exportEntityType === 'single_process_report') type = 'process'
  else if (entity.exportEntityType === 'single_decision_report') type = 'decision'
  else return
  const data = isObject(entity.data) ? entity.data : {}
  const definitions = Array.isArray(data.definitions) ? data.definitions.filter(isObject) : []
  for (const def of definitions) {
    if (typeof def.key !== 'string') continue
    const requested = Array.isArray(def.versions) ? def.versions.map(String) : ['all']
    const explicit = requested.filter(v => !['all', 'latest'].includes(v.toLowerCase()))
    const tenants = Array.isArray(def.tenantIds)
      ? def.tenantIds.map(t => (typeof t === 'string' ? t : null))
      : [null]
    state.addDefinition({
      type,
      key: def.key,
      name: typeof def.name === 'string' ? def.name : def.key,
      versions: explicit.length > 0 ? explicit : ['1'],
      tenants
    })
    state.addToScope(collectionId, type, def.key, tenants)
  }
}
