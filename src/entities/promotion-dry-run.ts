/**
 * Pure: what a dry run of an import (optimize/dry-run.ts) sends, and what
 * Optimize's refusal of it means for the files.
 *
 * - Pinned versions: Optimize keeps only the explicit versions of a report's
 *   first definition that the target has, silently, and refuses the report
 *   only when it has none of them (ReportImportService
 *   .removeMissingVersionsOrFailIfNoneExist, optimize-api.md §4.1 step 9d).
 *   The dry run sends a report that pins several versions as one copy per
 *   version, so every version the target lacks is named in the refusal.
 * - Names: the newest builds refuse report names longer than
 *   `entity.nameMaxLength` and name the reports; Optimize does not publish
 *   the limit, so the dry run is how the plan learns it.
 * - Variable filters: Optimize checks them against the reports that exist in
 *   the target under the file's tile ids (camunda/camunda#55766), which a
 *   dry run of the files cannot pass; the dry run leaves them out, and one
 *   more dry run (a dashboard with one variable filter and no tile) tells
 *   whether the target checks them at all.
 */
import {hash} from 'node:crypto'
import {isDashboard, type Dashboard, type Entity, type Report} from '../optimize/schemas.js'
import {definitionTypeOf} from './collection-file.js'
import {compareStrings} from './normalize.js'

export interface VariableFilter {
  name: string
  type: string
}

/** The variable filters of a dashboard (`availableFilters` of type `variable`). */
export function variableFilters(dashboard: Dashboard): VariableFilter[] {
  return dashboard.availableFilters.flatMap(filter => {
    if (filter.type !== 'variable') return []
    const data = filter.data as {name?: unknown; type?: unknown} | null | undefined
    return [{name: String(data?.name), type: String(data?.type)}]
  })
}

/** "'region' (String), 'amount' (Double)". */
export function describeFilters(filters: readonly VariableFilter[]): string {
  return filters.map(f => `'${f.name}' (${f.type})`).join(', ')
}

/** The dashboard with only the given variable filters (all its other filters kept). */
export function keepingVariableFilters(
  dashboard: Dashboard,
  keep: (index: number) => boolean
): Dashboard {
  let index = -1
  return {
    ...dashboard,
    availableFilters: dashboard.availableFilters.filter(
      filter => filter.type !== 'variable' || keep(++index)
    )
  }
}

/**
 * A dashboard to learn whether the target checks variable filters at all:
 * `filter` (one of the files', so Optimize reads it) on a dashboard without
 * tiles, whose reports therefore have no variables.
 */
export function variableCheckProbe(dashboard: Dashboard): Dashboard {
  const filter = dashboard.availableFilters.find(f => f.type === 'variable')
  return {
    ...dashboard,
    id: probeId(`${dashboard.id}:variable-check`),
    tiles: [],
    availableFilters: filter ? [filter] : []
  }
}

/** Optimize's words when a variable filter names no variable of the dashboard's reports. */
export function isUnknownVariableRefusal(text: string): boolean {
  return /variable filter names\/types do not exist/i.test(text)
}

/** One extra copy of a report, pinned to one version its file pins with others. */
export interface VersionProbe {
  id: string
  /** The report in the files it stands for. */
  reportId: string
  version: string
}

/**
 * `entities` with every report whose first definition pins several explicit
 * versions split into one report per version: the report itself keeps the
 * first, each further version goes into a copy with an id of its own.
 */
export function withVersionProbes(entities: readonly Entity[]): {
  entities: Entity[]
  probes: VersionProbe[]
} {
  const out: Entity[] = []
  const probes: VersionProbe[] = []
  for (const entity of entities) {
    const versions = pinnedVersions(entity)
    if (isDashboard(entity) || versions.length < 2) {
      out.push(entity)
      continue
    }
    out.push(pinned(entity, versions[0], entity.id))
    for (const version of versions.slice(1)) {
      const id = probeId(`${entity.id}:${version}`)
      probes.push({id, reportId: entity.id, version})
      out.push(pinned(entity, version, id))
    }
  }
  return {entities: out, probes}
}

/** The explicit versions of a report's first definition; none when it asks for 'all' or 'latest'. */
export function pinnedVersions(entity: Entity): string[] {
  if (isDashboard(entity) || entity.exportEntityType === 'combined_report') return []
  const versions = entity.data.definitions?.[0]?.versions ?? []
  if (versions.some(v => /^(all|latest)$/i.test(v))) return []
  return versions
}

function pinned(report: Report, version: string, id: string): Entity {
  if (report.exportEntityType === 'combined_report') return report
  const [first, ...rest] = report.data.definitions ?? []
  return {
    ...report,
    id,
    data: {...report.data, definitions: [{...first, versions: [version]}, ...rest]}
  }
}

/** A lower-case UUID (the only ids Optimize links) derived from `seed`. */
export function probeId(seed: string): string {
  const hex = hash('sha256', seed)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** A definition Optimize named as missing (its error body's `definitions`). */
export interface MissingDefinition {
  type?: string
  key?: string
  versions?: string[]
  tenantIds?: (string | null)[]
}

/**
 * One sentence per report of `sent` that pins a version Optimize named as
 * missing: which versions, and whether Optimize would drop them or refuse
 * the report. `files` gives the file of a report id.
 */
export function missingVersionLines(
  missing: readonly MissingDefinition[],
  sent: readonly Entity[],
  files: ReadonlyMap<string, string>
): string[] {
  const lines: string[] = []
  for (const entity of sent) {
    if (isDashboard(entity) || entity.exportEntityType === 'combined_report') continue
    const first = entity.data.definitions?.[0]
    if (!first) continue
    const type = definitionTypeOf(entity)
    const pins = pinnedVersions(entity)
    const tenants = sameTenants(first.tenantIds ?? [null])
    const matches = missing.filter(
      m => m.type === type && m.key === first.key && (!m.tenantIds || tenants(m.tenantIds))
    )
    if (matches.length === 0) continue
    const absent = pins.length
      ? pins.filter(v => matches.some(m => (m.versions ?? []).includes(v)))
      : ['all']
    if (absent.length === 0) continue
    const where = files.get(entity.id) ? ` (${files.get(entity.id)})` : ''
    const what = `report '${entity.name}'${where} asks for ${type} definition '${first.key}'`
    if (pins.length === 0 || absent.length === pins.length)
      lines.push(
        `${what} ${pins.length ? `version ${pins.join(', ')}` : 'in any version'}, which the target Optimize does not have: it would refuse the import`
      )
    else
      lines.push(
        `${what} versions ${pins.join(', ')}; the target Optimize lacks ${absent.join(', ')} and would drop ${absent.length > 1 ? 'them' : 'it'} silently, so the imported report would differ from the file`
      )
  }
  return [...new Set(lines)].sort(compareStrings)
}

function sameTenants(a: readonly (string | null)[]): (b: readonly (string | null)[]) => boolean {
  const key = (list: readonly (string | null)[]): string =>
    list
      .map(t => t ?? '')
      .sort(compareStrings)
      .join('\n')
  return b => key(a) === key(b)
}

/**
 * The reports of `sent` Optimize named as having too long a name
 * (importNameInvalid lists their ids; a version probe stands for its report).
 */
export function refusedNameLines(
  text: string,
  sent: readonly Entity[],
  probes: readonly VersionProbe[],
  files: ReadonlyMap<string, string>
): string[] {
  const ids = new Set(text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g))
  for (const probe of probes) if (ids.has(probe.id)) ids.add(probe.reportId)
  return sent
    .filter(e => !isDashboard(e) && ids.has(e.id))
    .map(
      e =>
        `report '${e.name.length > 60 ? `${e.name.slice(0, 57)}...` : e.name}'${files.get(e.id) ? ` (${files.get(e.id)})` : ''} has a name of ${e.name.length} characters`
    )
    .sort(compareStrings)
}
