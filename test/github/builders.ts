/** Small builders of normalized entities for the summary, SVG and publish tests. */
import type {EntityTree} from '../../src/entities/layout.js'
import type {Dashboard, ProcessReport, Report, Tile} from '../../src/optimize/schemas.js'

let counter = 0

/** A lower-case UUID, as Optimize uses for report ids (tiles only reference those). */
export function uuid(n: number = ++counter): string {
  const hex = n.toString(16).padStart(12, '0')
  return `00000000-0000-4000-8000-${hex}`
}

export function report(
  id: string,
  name: string,
  data: Partial<ProcessReport['data']> = {}
): ProcessReport {
  return {
    id,
    name,
    description: null,
    exportEntityType: 'single_process_report',
    sourceIndexVersion: 11,
    data: {
      definitions: [{key: 'invoice', versions: ['all'], tenantIds: [null]}],
      filter: [],
      configuration: {precision: null, targetValue: {active: false, values: {target: 10}}},
      view: {entity: 'processInstance', properties: ['frequency']},
      groupBy: {type: 'none', value: null},
      distributedBy: {type: 'none', value: null},
      visualization: 'number',
      managementReport: false,
      instantPreviewReport: false,
      ...data
    }
  }
}

export function reportTile(id: string, x: number, y: number, width = 6, height = 4): Tile {
  return {
    id,
    type: 'optimize_report',
    position: {x, y},
    dimensions: {width, height},
    configuration: null
  }
}

export function textTile(text: string, x: number, y: number, width = 18, height = 1): Tile {
  return {
    id: '',
    type: 'text',
    position: {x, y},
    dimensions: {width, height},
    configuration: {text: {root: {children: [{children: [{text, type: 'text'}]}]}}}
  }
}

export function urlTile(url: string, x: number, y: number, width = 6, height = 4): Tile {
  return {
    id: '',
    type: 'external_url',
    position: {x, y},
    dimensions: {width, height},
    configuration: {external: url}
  }
}

export function dashboard(id: string, name: string, tiles: Tile[] = []): Dashboard {
  return {
    id,
    name,
    description: null,
    exportEntityType: 'dashboard',
    sourceIndexVersion: 8,
    tiles,
    availableFilters: [],
    instantPreviewDashboard: false
  }
}

export function tree(dashboards: Dashboard[], reports: Report[]): EntityTree {
  return {
    dashboards: dashboards.map(entity => ({entity})),
    reports: reports.map(entity => ({entity}))
  }
}

/** A deep copy with `edit` applied, so "before" fixtures stay untouched. */
export function edited<T>(value: T, edit: (copy: T) => void): T {
  const copy = structuredClone(value)
  edit(copy)
  return copy
}
