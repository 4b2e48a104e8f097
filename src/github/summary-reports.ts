/**
 * Pure: the reviewer-relevant differences between two versions of one report.
 * Values are described compactly ("endDate month", "processInstance frequency")
 * rather than as JSON, because they end up in one Markdown line.
 */
import diff from 'microdiff'
import type {Report} from '../optimize/schemas.js'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {deepEqual} from '../entities/json-equal.js'
import {compareStrings} from '../entities/normalize.js'

export interface ValueChange {
  from: string
  to: string
}

export interface ListChanges {
  added: string[]
  removed: string[]
  changed: string[]
}

export interface ReportDiff {
  visualization?: ValueChange
  view?: ValueChange
  groupBy?: ValueChange
  distributedBy?: ValueChange
  description?: boolean
  filters: ListChanges
  /** Process/decision definitions: key, versions and tenants. */
  definitions: ListChanges
  /** Combined reports: the reports combined, by name. */
  combined: {added: string[]; removed: string[]}
  /** Changed configuration paths, e.g. `precision: null → 2`. */
  configuration: string[]
  /** Other changed fields, e.g. `data.managementReport`. */
  other: string[]
}

/** Most configuration paths listed per report; the rest are counted. */
const MAX_CONFIGURATION_PATHS = 8
const MAX_VALUE_LENGTH = 40
const HANDLED_DATA_KEYS = new Set([
  'visualization',
  'view',
  'groupBy',
  'distributedBy',
  'filter',
  'definitions',
  'reports',
  'configuration'
])
const HANDLED_REPORT_KEYS = new Set(['id', 'name', 'description', 'exportEntityType', 'data'])

type Data = Record<string, unknown>

export function diffReport(
  before: Report | undefined,
  after: Report | undefined,
  reportName: (id: string) => string
): ReportDiff {
  const result: ReportDiff = {
    filters: {added: [], removed: [], changed: []},
    definitions: {added: [], removed: [], changed: []},
    combined: {added: [], removed: []},
    configuration: [],
    other: []
  }
  if (!before || !after) return result
  const oldData = before.data as Data
  const newData = after.data as Data
  result.visualization = valueChange(oldData.visualization, newData.visualization, describeValue)
  result.view = valueChange(oldData.view, newData.view, describeView)
  result.groupBy = valueChange(oldData.groupBy, newData.groupBy, describeGrouping)
  result.distributedBy = valueChange(oldData.distributedBy, newData.distributedBy, describeGrouping)
  if (!same(before.description, after.description)) result.description = true
  result.filters = diffFilters(records(oldData.filter), records(newData.filter))
  result.definitions = diffDefinitions(records(oldData.definitions), records(newData.definitions))
  const oldIds = records(oldData.reports).map(r => String(r.id))
  const newIds = records(newData.reports).map(r => String(r.id))
  result.combined = {
    added: newIds.filter(id => !oldIds.includes(id)).map(reportName),
    removed: oldIds.filter(id => !newIds.includes(id)).map(reportName)
  }
  result.configuration = diffConfiguration(oldData.configuration, newData.configuration)
  result.other = [
    ...changedKeys(before, after, HANDLED_REPORT_KEYS),
    ...changedKeys(oldData, newData, HANDLED_DATA_KEYS).map(key => `data.${key}`)
  ]
  // Same combined reports in another order, or other colours, is still a change.
  if (!result.combined.added.length && !result.combined.removed.length) {
    if (!same(oldData.reports, newData.reports)) result.other.push('data.reports')
  }
  return result
}

function valueChange(
  before: unknown,
  after: unknown,
  describe: (value: unknown) => string
): ValueChange | undefined {
  if (same(before, after)) return undefined
  return {from: describe(before), to: describe(after)}
}

/** Filters have no id: equal JSON is the same filter; a leftover pair of one type is a change. */
function diffFilters(before: Data[], after: Data[]): ListChanges {
  const removed = without(before, after)
  const added = without(after, before)
  const changed: string[] = []
  for (const filter of [...removed]) {
    const match = added.find(candidate => candidate.type === filter.type)
    if (!match) continue
    removed.splice(removed.indexOf(filter), 1)
    added.splice(added.indexOf(match), 1)
    changed.push(`${describeFilter(filter)} → ${describeValue(match.data)}`)
  }
  const sorted = (items: string[]): string[] => items.sort(compareStrings)
  return {
    added: sorted(added.map(describeFilter)),
    removed: sorted(removed.map(describeFilter)),
    changed: sorted(changed)
  }
}

/** Items of `from` that `other` lacks, counting duplicates, in canonical order. */
function without(from: Data[], other: Data[]): Data[] {
  const remaining = other.map(item => toCanonicalJson(item))
  const result: Data[] = []
  for (const item of [...from].sort(compareJson)) {
    const index = remaining.indexOf(toCanonicalJson(item))
    if (index >= 0) remaining.splice(index, 1)
    else result.push(item)
  }
  return result
}

function describeFilter(filter: Data): string {
  const data = describeValue(filter.data)
  return data === 'none' ? String(filter.type) : `${String(filter.type)} ${data}`
}

function diffDefinitions(before: Data[], after: Data[]): ListChanges {
  const oldByKey = new Map(before.map(d => [String(d.key), d]))
  const newByKey = new Map(after.map(d => [String(d.key), d]))
  const keys = [...new Set([...oldByKey.keys(), ...newByKey.keys()])].sort(compareStrings)
  const result: ListChanges = {added: [], removed: [], changed: []}
  for (const key of keys) {
    const oldDef = oldByKey.get(key)
    const newDef = newByKey.get(key)
    if (!oldDef) result.added.push(describeDefinition(newDef as Data))
    else if (!newDef) result.removed.push(describeDefinition(oldDef))
    else {
      const parts: string[] = []
      for (const field of ['versions', 'tenantIds'] as const) {
        if (same(oldDef[field], newDef[field])) continue
        const label = field === 'versions' ? 'versions' : 'tenants'
        parts.push(`${label} ${describeList(oldDef[field])} → ${describeList(newDef[field])}`)
      }
      if (parts.length) result.changed.push(`${key}: ${parts.join(', ')}`)
    }
  }
  return result
}

function describeDefinition(definition: Data): string {
  const tenants = Array.isArray(definition.tenantIds)
    ? `, tenants ${describeList(definition.tenantIds)}`
    : ''
  return `${String(definition.key)} (versions ${describeList(definition.versions)}${tenants})`
}

function describeList(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0) return 'none'
  // Camunda 7 writes the "not defined" tenant as null.
  return value.map(item => (item === null ? 'default' : String(item))).join(', ')
}

function diffConfiguration(before: unknown, after: unknown): string[] {
  const differences = diff(asObject(before), asObject(after))
  const lines = differences.map(difference => {
    const path = formatPath(difference.path)
    const oldValue = 'oldValue' in difference ? (difference.oldValue as unknown) : undefined
    const newValue = 'value' in difference ? (difference.value as unknown) : undefined
    if (difference.type === 'CHANGE') return `${path}: ${short(oldValue)} → ${short(newValue)}`
    if (difference.type === 'CREATE') return `${path} added: ${short(newValue)}`
    return `${path} removed`
  })
  lines.sort(compareStrings)
  if (lines.length <= MAX_CONFIGURATION_PATHS) return lines
  const rest = lines.length - MAX_CONFIGURATION_PATHS
  return [...lines.slice(0, MAX_CONFIGURATION_PATHS), `and ${rest} more`]
}

function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('')
}

/** Keys of either that `handled` leaves out and whose values differ, sorted. */
export function changedKeys(before: Data, after: Data, handled: ReadonlySet<string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter(key => !handled.has(key) && !same(before[key], after[key]))
    .sort(compareStrings)
}

function describeView(value: unknown): string {
  const view = asObject(value)
  if (typeof view.entity === 'string' && Array.isArray(view.properties)) {
    return [view.entity, ...view.properties.map(p => describeValue(p))].join(' ')
  }
  return describeValue(value)
}

function describeGrouping(value: unknown): string {
  const grouping = asObject(value)
  if (typeof grouping.type !== 'string') return describeValue(value)
  const detail = describeValue(grouping.value)
  return detail === 'none' ? grouping.type : `${grouping.type} ${detail}`
}

/** The scalar leaves of a value, in key order, e.g. `rolling 6 months` (false/null left out). */
function describeValue(value: unknown): string {
  const leaves: string[] = []
  const visit = (node: unknown): void => {
    if (node === null || node === undefined || node === false) return
    if (Array.isArray(node)) node.forEach(visit)
    else if (typeof node === 'object') {
      const record = node as Data
      for (const key of Object.keys(record).sort(compareKeys)) visit(record[key])
    } else if (typeof node === 'string') leaves.push(node)
    else if (typeof node === 'number' || typeof node === 'boolean') leaves.push(`${node}`)
  }
  visit(value)
  return leaves.length ? truncate(leaves.join(' ')) : 'none'
}

/** Keys that read best first ("rolling 7 days", "region in EU"), then the rest by name. */
const LEADING_KEYS = ['name', 'type', 'operator', 'value', 'values', 'start', 'end', 'unit']

function compareKeys(a: string, b: string): number {
  const rank = (key: string): number => {
    const index = LEADING_KEYS.indexOf(key)
    return index < 0 ? LEADING_KEYS.length : index
  }
  return rank(a) - rank(b) || compareStrings(a, b)
}

function short(value: unknown): string {
  if (value === undefined) return 'none'
  return truncate(typeof value === 'string' ? value : toCanonicalJson(value).trim())
}

function truncate(text: string): string {
  const collapsed = text.replace(/\s+/g, ' ')
  const chars = Array.from(collapsed)
  return chars.length > MAX_VALUE_LENGTH
    ? `${chars.slice(0, MAX_VALUE_LENGTH - 1).join('')}…`
    : collapsed
}

function records(value: unknown): Data[] {
  return Array.isArray(value)
    ? value.filter((item): item is Data => typeof item === 'object' && item !== null)
    : []
}

function asObject(value: unknown): Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Data) : {}
}

/** Equal as JSON, an absent value as null. */
export function same(a: unknown, b: unknown): boolean {
  return deepEqual(a ?? null, b ?? null)
}

function compareJson(a: unknown, b: unknown): number {
  return compareStrings(toCanonicalJson(a), toCanonicalJson(b))
}
