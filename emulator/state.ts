// In-memory Optimize: collections, definitions, reports, dashboards, settings. Reports and
// dashboards are stored in the export format plus the fields Optimize keeps internally but
// never exports (owner, lastModifier, created, lastModified, refreshRateSeconds,
// managementDashboard).
import {generateBpmn, generateDmn} from './bpmn.js'
import {generateContent, type GenerateOptions, type GenerateResult} from './generator.js'
import {hashString, uuidSource} from './random.js'
import {seedEntities, type SeedOptions} from './seed.js'
import {legacyReportsToTiles} from './tiles.js'
import type {
  Collection,
  Definition,
  DefinitionType,
  JsonObject,
  ProcessVariable,
  ScopeEntry,
  VariableLabel
} from './types.js'
import {clone, isObject, optimizeDate} from './types.js'

export const SYSTEM_USER = 'System User'
const REPORT_TYPES = new Set(['single_process_report', 'single_decision_report', 'combined_report'])

export interface RawDataSpec {
  rows: number
  seed: number
}

export class EmulatorState {
  readonly collections = new Map<string, Collection>()
  readonly definitions = new Map<string, Definition>()
  readonly reports = new Map<string, JsonObject>()
  readonly dashboards = new Map<string, JsonObject>()
  readonly rawData = new Map<string, RawDataSpec>()
  private labels = new Map<string, VariableLabel[]>()
  /** Process variables Optimize has imported, by process definition key. */
  private variables = new Map<string, ProcessVariable[]>()
  private sharing = false
  /** Source of new entity ids (idSeed → deterministic; import always writes new UUIDs). */
  readonly newId: () => string

  constructor(idSeed?: number) {
    this.newId = uuidSource(idSeed)
  }

  get sharingEnabled(): boolean {
    return this.sharing
  }

  setSharing(enabled: boolean): void {
    this.sharing = enabled
  }

  get variableLabels(): Record<string, VariableLabel[]> {
    return Object.fromEntries([...this.labels].map(([k, v]) => [k, v.map(l => ({...l}))]))
  }

  setVariableLabels(definitionKey: string, labels: VariableLabel[]): void {
    this.labels.set(definitionKey, labels)
  }

  addCollection(input: {id?: string; name: string; scope?: ScopeEntry[]}): {
    id: string
    name: string
    scope: ScopeEntry[]
  } {
    const now = optimizeDate(Date.now())
    const collection: Collection = {
      id: input.id ?? this.newId(),
      name: input.name,
      scope: clone(input.scope ?? []),
      owner: SYSTEM_USER,
      created: now,
      lastModified: now
    }
    this.collections.set(collection.id, collection)
    return {id: collection.id, name: collection.name, scope: clone(collection.scope)}
  }

  setScope(collectionId: string, scope: ScopeEntry[]): void {
    const collection = this.collections.get(collectionId)
    if (!collection) throw new Error(`unknown collection ${collectionId}`)
    collection.scope = clone(scope)
    collection.lastModified = optimizeDate(Date.now())
  }

  /** Adds `key` (+ its tenants) to a collection's scope, merging with an existing entry. */
  addToScope(collectionId: string, type: DefinitionType, key: string, tenants: (string | null)[]) {
    const collection = this.collections.get(collectionId)
    if (!collection) throw new Error(`unknown collection ${collectionId}`)
    const entry = collection.scope.find(s => s.definitionType === type && s.definitionKey === key)
    if (!entry)
      collection.scope.push({definitionType: type, definitionKey: key, tenants: [...tenants]})
    else for (const t of tenants) if (!entry.tenants.includes(t)) entry.tenants.push(t)
    collection.lastModified = optimizeDate(Date.now())
  }

  addDefinition(input: {
    type: DefinitionType
    key: string
    name?: string
    versions: string[]
    tenants: (string | null)[]
    xml?: string
    /** Process variables of this definition (they decide dashboard variable filter checks). */
    variables?: ProcessVariable[]
  }): void {
    if (input.variables) this.addVariables(input.key, input.variables)
    const name = input.name ?? input.key
    const existing = this.definitions.get(defKey(input.type, input.key))
    if (existing) {
      // Registering again merges versions/tenants so seeding several files is additive.
      for (const v of input.versions) if (!existing.versions.includes(v)) existing.versions.push(v)
      for (const t of input.tenants) if (!existing.tenants.includes(t)) existing.tenants.push(t)
      if (input.xml) existing.xml = input.xml
      return
    }
    this.definitions.set(defKey(input.type, input.key), {
      type: input.type,
      key: input.key,
      name,
      versions: [...input.versions],
      tenants: [...input.tenants],
      xml:
        input.xml ??
        (input.type === 'process' ? generateBpmn(input.key, name) : generateDmn(input.key, name))
    })
  }

  /** Records process variables of a process definition key (merged, deduplicated). */
  addVariables(processKey: string, variables: ProcessVariable[]): void {
    const list = this.variables.get(processKey) ?? []
    for (const v of variables)
      if (!list.some(l => l.name === v.name && l.type.toLowerCase() === v.type.toLowerCase()))
        list.push({name: v.name, type: v.type})
    this.variables.set(processKey, list)
  }

  /**
   * ProcessVariableService.getVariableNamesForAuthorizedReports: the variable names and (lower-case)
   * types of the process definitions of the reports with these ids, combined reports' children
   * included. Ids no report here has contribute nothing.
   */
  variablesOfReports(reportIds: string[]): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>()
    const reports: JsonObject[] = []
    for (const id of reportIds) {
      const report = this.reports.get(id)
      if (report?.exportEntityType !== 'combined_report') {
        if (report) reports.push(report)
        continue
      }
      const items = isObject(report.data) ? report.data.reports : null
      for (const item of Array.isArray(items) ? items : []) {
        const child = isObject(item) ? this.reports.get(String(item.id)) : undefined
        if (child) reports.push(child)
      }
    }
    for (const report of reports) {
      if (report.exportEntityType !== 'single_process_report' || !isObject(report.data)) continue
      const definitions = Array.isArray(report.data.definitions) ? report.data.definitions : []
      for (const def of definitions.filter(isObject)) {
        for (const v of this.variables.get(String(def.key)) ?? []) {
          const types = out.get(v.name) ?? new Set<string>()
          types.add(v.type.toLowerCase())
          out.set(v.name, types)
        }
      }
    }
    return out
  }

  getDefinition(type: DefinitionType, key: string): Definition | undefined {
    return this.definitions.get(defKey(type, key))
  }

  putEntity(entity: object, collectionId: string | null): void {
    if (!isObject(entity) || typeof entity.id !== 'string') throw new Error('entity needs an id')
    const copy = clone(entity)
    const now = optimizeDate(Date.now())
    copy.collectionId = collectionId
    copy.owner ??= SYSTEM_USER
    copy.lastModifier ??= SYSTEM_USER
    copy.created ??= now
    copy.lastModified ??= now
    if (copy.exportEntityType === 'dashboard') {
      if (!Array.isArray(copy.tiles) && Array.isArray(copy.reports)) {
        copy.tiles = legacyReportsToTiles(copy.reports)
        delete copy.reports
      }
      copy.refreshRateSeconds ??= null
      copy.managementDashboard ??= false
      this.dashboards.set(entity.id, copy)
    } else if (REPORT_TYPES.has(String(copy.exportEntityType))) {
      this.reports.set(entity.id, copy)
    } else {
      throw new Error(`unknown exportEntityType ${String(copy.exportEntityType)}`)
    }
  }

  getReport(id: string): JsonObject | undefined {
    return this.reports.get(id)
  }

  getDashboard(id: string): JsonObject | undefined {
    return this.dashboards.get(id)
  }

  listReports(collectionId?: string): JsonObject[] {
    return [...this.reports.values()].filter(
      r => collectionId === undefined || r.collectionId === collectionId
    )
  }

  listDashboards(collectionId?: string): JsonObject[] {
    return [...this.dashboards.values()].filter(
      d => collectionId === undefined || d.collectionId === collectionId
    )
  }

  updateReport(id: string, mutate: (report: JsonObject) => void): void {
    const report = this.reports.get(id)
    if (!report) throw new Error(`unknown report ${id}`)
    mutate(report)
    report.lastModified = optimizeDate(Date.now())
  }

  updateDashboard(id: string, mutate: (dashboard: JsonObject) => void): void {
    const dashboard = this.dashboards.get(id)
    if (!dashboard) throw new Error(`unknown dashboard ${id}`)
    mutate(dashboard)
    dashboard.lastModified = optimizeDate(Date.now())
  }

  removeReport(id: string): boolean {
    this.rawData.delete(id)
    return this.reports.delete(id)
  }

  removeDashboard(id: string): boolean {
    return this.dashboards.delete(id)
  }

  seedEntities(entities: object[], options: SeedOptions): void {
    seedEntities(this, entities, options)
  }

  generate(options: GenerateOptions): GenerateResult {
    return generateContent(this, options)
  }

  setRawData(reportId: string, spec: {rows: number; seed?: number}): void {
    this.rawData.set(reportId, {rows: spec.rows, seed: spec.seed ?? 0})
  }

  /** Rows of a raw-data report: setRawData's value, else a few hundred derived from the id. */
  rawDataFor(reportId: string): RawDataSpec {
    return this.rawData.get(reportId) ?? {rows: 200 + (hashString(reportId) % 300), seed: 0}
  }
}

function defKey(type: DefinitionType, key: string): string {
  return `${type}:${key}`
}
