// generate(): realistic, deterministic collections of dashboards and reports (brief: names real
// teams use, duplicate report names across dashboards, process reports on the UI defaults with
// varied view/groupBy/distributedBy/visualization/filters, some decision reports, an occasional
// combined report, raw-data reports, text and external-URL tiles on the 18-column grid).
import {generateBpmn} from './bpmn.js'
import {COMBINED_CONFIGURATION, DECISION_CONFIGURATION, PROCESS_CONFIGURATION} from './defaults.js'
import {int, mulberry32, pick, type Rng, seededUuid} from './random.js'
import type {EmulatorState} from './state.js'
import {
  DECISIONS,
  externalTile,
  FILTERS,
  gridLayout,
  none,
  PROCESSES,
  reportTile,
  SHAPES,
  TEAMS,
  TENANT_SETS,
  textTile,
  TOPICS
} from './generator-data.js'
import type {JsonObject} from './types.js'
import {clone} from './types.js'

export interface GenerateOptions {
  collectionId: string
  collectionName?: string
  dashboards: number
  reportsPerDashboard: number
  seed?: number
  xmlBytes?: number
}

export interface GenerateResult {
  dashboardIds: string[]
  reportIds: string[]
}

export function generateContent(state: EmulatorState, options: GenerateOptions): GenerateResult {
  const rng = mulberry32(options.seed ?? 1)
  const newId = (): string => seededUuid(rng)
  // Dashboard names are unique within a collection, as promotion requires (names are identities).
  const usedNames = new Map<string, number>()
  const uniqueName = (name: string): string => {
    const count = (usedNames.get(name) ?? 0) + 1
    usedNames.set(name, count)
    return count === 1 ? name : `${name} ${count}`
  }
  if (!state.collections.has(options.collectionId)) {
    state.addCollection({
      id: options.collectionId,
      name: options.collectionName ?? 'Generated reports'
    })
  }
  const defs = new Map<string, {name: string; versions: string[]; tenants: (string | null)[]}>()
  const definitionFor = (key: string, name: string, type: 'process' | 'decision') => {
    let def = defs.get(key)
    if (!def) {
      const versionCount = int(rng, 1, 5)
      def = {
        name,
        versions: Array.from({length: versionCount}, (_, i) => String(i + 1)),
        tenants: pick(rng, TENANT_SETS)
      }
      defs.set(key, def)
      const xml =
        type === 'process'
          ? generateBpmn(key, name, options.xmlBytes ?? int(rng, 10_000, 50_000))
          : undefined
      state.addDefinition({type, key, name, versions: def.versions, tenants: def.tenants, xml})
      state.addToScope(options.collectionId, type, key, def.tenants)
    }
    return def
  }
  const reportIds: string[] = []
  const dashboardIds: string[] = []
  for (let d = 0; d < options.dashboards; d++) {
    const [key, processName] = pick(rng, PROCESSES)
    const tiles: JsonObject[] = []
    const layout = gridLayout()
    if (rng() < 0.5)
      tiles.push(textTile(layout.place(18, 1), `${processName} — ${pick(rng, TEAMS)}`))
    const chartReports: string[] = []
    for (let r = 0; r < options.reportsPerDashboard; r++) {
      const id = newId()
      let report: JsonObject
      if (rng() < 0.12) {
        const [dkey, dname] = pick(rng, DECISIONS)
        const def = definitionFor(dkey, dname, 'decision')
        report = decisionReport(rng, id, dkey, dname, def.versions, def.tenants)
      } else {
        const def = definitionFor(key, processName, 'process')
        const raw = d % 3 === 0 && r === options.reportsPerDashboard - 1
        report = processReport(rng, id, key, processName, def, raw, state)
        if (raw) state.setRawData(id, {rows: int(rng, 200, 600), seed: d})
        const vis = (report.data as JsonObject).visualization
        if (vis === 'bar' || vis === 'line') chartReports.push(id)
      }
      state.putEntity(report, options.collectionId)
      reportIds.push(id)
      tiles.push(reportTile(id, layout.place(pick(rng, [4, 6, 6, 9, 18]), int(rng, 2, 5))))
    }
    if (chartReports.length >= 2 && rng() < 0.35) {
      const id = newId()
      state.putEntity(
        combinedReport(id, `${processName}: combined trend`, chartReports.slice(0, 3)),
        options.collectionId
      )
      reportIds.push(id)
      tiles.push(reportTile(id, layout.place(18, 4)))
    }
    if (rng() < 0.3)
      tiles.push(externalTile(layout.place(6, 3), `https://grafana.example.com/d/${key}`))
    if (rng() < 0.3) tiles.push(textTile(layout.place(6, 2), `Owner: ${pick(rng, TEAMS)} team`))
    const dashboardId = newId()
    state.putEntity(
      {
        id: dashboardId,
        exportEntityType: 'dashboard',
        name: uniqueName(`${pick(rng, TEAMS)}: ${processName} ${pick(rng, TOPICS)}`),
        description: rng() < 0.5 ? null : `Reviewed every Monday by the ${pick(rng, TEAMS)} team.`,
        sourceIndexVersion: 8,
        tiles,
        // DashboardFilterDto subtypes with their data (DashboardDateFilterDataDto,
        // DashboardStateFilterDataDto); DashboardService refuses filters without data.
        availableFilters:
          rng() < 0.3
            ? [
                {type: 'instanceStartDate', data: {defaultValues: null}},
                {type: 'state', data: {defaultValues: null}}
              ]
            : [],
        collectionId: options.collectionId,
        instantPreviewDashboard: false
      },
      options.collectionId
    )
    dashboardIds.push(dashboardId)
  }
  return {dashboardIds, reportIds}
}

function processReport(
  rng: Rng,
  id: string,
  key: string,
  name: string,
  def: {versions: string[]; tenants: (string | null)[]},
  raw: boolean,
  state: EmulatorState
): JsonObject {
  const shape = raw
    ? {
        name: 'Instance list',
        view: {entity: null, properties: ['rawData']},
        groupBy: none(),
        visualization: 'table'
      }
    : pick(rng, SHAPES)
  const configuration = clone(PROCESS_CONFIGURATION)
  if ('aggregation' in shape && shape.aggregation)
    configuration.aggregationTypes = [shape.aggregation]
  configuration.xml = state.getDefinition('process', key)?.xml ?? null
  const filter = rng() < 0.5 ? [clone(pick(rng, FILTERS))] : []
  const versions =
    rng() < 0.6 ? ['all'] : rng() < 0.5 ? ['latest'] : [def.versions[def.versions.length - 1]]
  const view = shape.view as JsonObject
  return {
    id,
    exportEntityType: 'single_process_report',
    name: shape.name,
    description: rng() < 0.6 ? null : `${shape.name} for ${name}`,
    sourceIndexVersion: 11,
    data: {
      definitions: [
        {identifier: 'definition', key, name, displayName: name, versions, tenantIds: def.tenants}
      ],
      filter,
      configuration,
      view: shape.view,
      groupBy: shape.groupBy,
      distributedBy: 'distributedBy' in shape && shape.distributedBy ? shape.distributedBy : none(),
      visualization: shape.visualization,
      managementReport: false,
      instantPreviewReport: false,
      userTaskReport: view.entity === 'userTask'
    }
  }
}

function decisionReport(
  rng: Rng,
  id: string,
  key: string,
  name: string,
  versions: string[],
  tenants: (string | null)[]
): JsonObject {
  const byRule = rng() < 0.5
  return {
    id,
    exportEntityType: 'single_decision_report',
    name: byRule ? 'Matched rules' : 'Evaluations per month',
    description: null,
    sourceIndexVersion: 10,
    data: {
      definitions: [
        {
          identifier: 'definition',
          key,
          name,
          displayName: name,
          versions: [versions[versions.length - 1]],
          tenantIds: tenants
        }
      ],
      filter: [],
      configuration: clone(DECISION_CONFIGURATION),
      view: {properties: ['frequency']},
      groupBy: byRule
        ? {type: 'matchedRule', value: null}
        : {type: 'evaluationDateTime', value: {unit: 'month'}},
      distributedBy: none(),
      visualization: byRule ? 'table' : 'bar',
      managementReport: false,
      instantPreviewReport: false
    }
  }
}

function combinedReport(id: string, name: string, children: string[]): JsonObject {
  const colors = ['#1991c8', '#00a8a8', '#f0b400']
  return {
    id,
    exportEntityType: 'combined_report',
    name,
    description: null,
    sourceIndexVersion: 5,
    data: {
      configuration: clone(COMBINED_CONFIGURATION),
      visualization: 'bar',
      reports: children.map((child, i) => ({id: child, color: colors[i % colors.length]}))
    }
  }
}
