// Data tables and tile builders of the generator: realistic process/decision names, report
// shapes (view/groupBy/distributedBy/visualization), filters, and 18-column grid tiles.
import type {Json, JsonObject} from './types.js'

export const PROCESSES = [
  ['order-fulfilment', 'Order Fulfilment'],
  ['invoice-approval', 'Invoice Approval'],
  ['loan-application', 'Loan Application'],
  ['claims-handling', 'Claims Handling'],
  ['customer-onboarding', 'Customer Onboarding'],
  ['incident-escalation', 'Incident Escalation'],
  ['purchase-request', 'Purchase Request'],
  ['returns-processing', 'Returns Processing']
] as const
export const DECISIONS = [
  ['invoice-classification', 'Invoice Classification'],
  ['risk-assessment', 'Risk Assessment']
] as const
export const TENANT_SETS: (string | null)[][] = [[null], [null, 'emea', 'apac'], ['<default>']]
export const TEAMS = [
  'Operations',
  'Finance',
  'Customer Care',
  'Risk',
  'Logistics',
  'Sales',
  'IT Ops'
]
export const TOPICS = ['SLA overview', 'Weekly review', 'Bottlenecks', 'Throughput', 'Exec summary']

export interface Shape {
  name: string
  view: Json
  groupBy: Json
  distributedBy?: Json
  visualization: string
  aggregation?: Json
}

export const SHAPES: Shape[] = [
  {name: 'Running instances', view: pv('frequency'), groupBy: none(), visualization: 'number'},
  {
    name: 'p75 duration',
    view: pv('duration'),
    groupBy: none(),
    visualization: 'number',
    aggregation: {type: 'percentile', value: 75}
  },
  {
    name: 'Instances started per week',
    view: pv('frequency'),
    groupBy: {type: 'startDate', value: {unit: 'week'}},
    visualization: 'bar'
  },
  {
    name: 'Throughput by month',
    view: pv('frequency'),
    groupBy: {type: 'endDate', value: {unit: 'month'}},
    visualization: 'line'
  },
  {
    name: 'Bottlenecks',
    view: {entity: 'flowNode', properties: ['duration']},
    groupBy: {type: 'flowNodes', value: null},
    visualization: 'heat'
  },
  {
    name: 'Flow node frequency',
    view: {entity: 'flowNode', properties: ['frequency']},
    groupBy: {type: 'flowNodes', value: null},
    visualization: 'bar'
  },
  {
    name: 'User task waiting time',
    view: {entity: 'userTask', properties: ['duration']},
    groupBy: {type: 'userTasks', value: null},
    distributedBy: {type: 'assignee', value: null},
    visualization: 'table'
  },
  {
    name: 'Instances by region',
    view: pv('frequency'),
    groupBy: {type: 'variable', value: {name: 'region', type: 'String'}},
    visualization: 'pie'
  },
  {
    name: 'Open incidents',
    view: {entity: 'incident', properties: ['frequency']},
    groupBy: {type: 'flowNodes', value: null},
    visualization: 'table'
  },
  {
    name: 'Started per month by priority',
    view: pv('frequency'),
    groupBy: {type: 'startDate', value: {unit: 'month'}},
    distributedBy: {type: 'variable', value: {name: 'priority', type: 'String'}},
    visualization: 'bar'
  },
  {
    name: 'Avg cycle time',
    view: pv('duration'),
    groupBy: {type: 'endDate', value: {unit: 'week'}},
    visualization: 'line'
  }
]

function pv(property: string): Json {
  return {entity: 'processInstance', properties: [property]}
}
export function none(): Json {
  return {type: 'none', value: null}
}

export const FILTERS: Json[] = [
  {
    type: 'instanceStartDate',
    data: {
      type: 'rolling',
      start: {value: 30, unit: 'days'},
      end: null,
      includeUndefined: false,
      excludeUndefined: false
    },
    filterLevel: 'instance',
    appliedTo: ['all']
  },
  {type: 'runningInstancesOnly', data: null, filterLevel: 'instance', appliedTo: ['all']},
  {type: 'completedInstancesOnly', data: null, filterLevel: 'instance', appliedTo: ['all']},
  {
    type: 'variable',
    data: {name: 'region', type: 'String', data: {operator: 'in', values: ['EU', 'US']}},
    filterLevel: 'instance',
    appliedTo: ['all']
  }
]

export function gridLayout() {
  let x = 0
  let y = 0
  let rowHeight = 0
  return {
    place(width: number, height: number) {
      if (x + width > 18) {
        x = 0
        y += rowHeight
        rowHeight = 0
      }
      const at = {position: {x, y}, dimensions: {width, height}}
      x += width
      rowHeight = Math.max(rowHeight, height)
      return at
    }
  }
}

export type Placement = {position: JsonObject; dimensions: JsonObject}

export function reportTile(id: string, at: Placement): JsonObject {
  return {id, ...at, type: 'optimize_report', configuration: null}
}

export function externalTile(at: Placement, url: string): JsonObject {
  return {id: '', ...at, type: 'external_url', configuration: {external: url}}
}

export function textTile(at: Placement, text: string): JsonObject {
  // Lexical editor state, the shape of template1.json's text tiles.
  const paragraph = {
    children: [{detail: 0, format: 0, mode: 'normal', style: '', text, type: 'text', version: 1}],
    direction: 'ltr',
    format: '',
    indent: 0,
    type: 'paragraph',
    version: 1
  }
  return {
    id: '',
    ...at,
    type: 'text',
    configuration: {
      text: {
        root: {
          children: [paragraph],
          direction: 'ltr',
          format: '',
          indent: 0,
          type: 'root',
          version: 1
        }
      }
    }
  }
}
