// Import steps 2–4 (EntityImportService.readExportDtoOrFailIfInvalid): read the body like
// Optimize's ObjectMapper (ALLOW_COMMENTS, ACCEPT_SINGLE_VALUE_AS_ARRAY, unknown fields ignored,
// scalar coercion, missing primitive → 0), then top-level bean validation, then Set de-duplication.
import {fileInvalid} from './errors.js'
import type {ProfileSpec} from './profiles.js'
import {legacyReportsToTiles} from './tiles.js'
import type {Json, JsonObject} from './types.js'
import {isObject} from './types.js'

const DTO = 'io.camunda.optimize.dto.optimize.rest.export.OptimizeEntityExportDto'
const TYPES = ['combined_report', 'dashboard', 'single_decision_report', 'single_process_report']
const TILE_TYPES = ['optimize_report', 'external_url', 'text']
// DashboardFilterDto's @JsonSubTypes names.
const FILTER_TYPES = [
  'instanceStartDate',
  'instanceEndDate',
  'state',
  'variable',
  'assignee',
  'candidateGroup'
]
// DashboardVariableFilterDataDto's @JsonSubTypes names (each type in both spellings).
const VARIABLE_TYPES = ['String', 'Short', 'Long', 'Double', 'Integer', 'Boolean', 'Date'].flatMap(
  t => [t, t.toLowerCase()]
)
const VISUALIZATIONS = ['number', 'table', 'bar', 'line', 'pie', 'heat', 'barLine']

class Invalid extends Error {}

export function parseImportBody(raw: string, profile: ProfileSpec): JsonObject[] {
  // EntityImportService: StringUtils.isEmpty → only the empty string gets this message.
  if (raw.length === 0) {
    throw fileInvalid(
      profile,
      'Could not import entity because the provided file is null or empty.'
    )
  }
  let entities: JsonObject[]
  try {
    let parsed: unknown
    try {
      parsed = parseJson(raw)
    } catch (error) {
      const message =
        raw.trim() === '' ? 'No content to map due to end-of-input' : (error as Error).message
      throw new Invalid(message)
    }
    if (parsed === null) {
      throw fileInvalid(
        profile,
        'Could not import entity because the provided file is null or empty.'
      )
    }
    const list = Array.isArray(parsed) ? parsed : [parsed]
    entities = list.map(item => readEntity(item, profile))
  } catch (error) {
    if (!(error instanceof Invalid)) throw error
    throw fileInvalid(
      profile,
      'Could not import entities because the provided file is not a valid list of OptimizeEntityExportDtos. Error:' +
        error.message
    )
  }
  const violations = entities.flatMap(e => violationsOf(e, profile))
  if (violations.length > 0) {
    // The code joins with "," (EntityImportService@2619646529), not ", ".
    throw fileInvalid(
      profile,
      `Could not import entities because the provided file contains invalid OptimizeExportDtos. Errors: ${violations.join(',')}`
    )
  }
  return dedupe(entities)
}

function readEntity(item: unknown, profile: ProfileSpec): JsonObject {
  if (!isObject(item)) {
    throw new Invalid(`Cannot deserialize value of type \`${DTO}\` from ${describe(item)}`)
  }
  const type = item.exportEntityType
  if (type === undefined || type === null) {
    throw new Invalid(
      `Could not resolve subtype of [simple type, class ${DTO}]: missing type id property 'exportEntityType'`
    )
  }
  if (typeof type !== 'string' || !TYPES.includes(type)) {
    throw new Invalid(
      `Could not resolve type id '${String(type)}' as a subtype of \`${DTO}\`: known type ids = [${TYPES.join(', ')}]`
    )
  }
  const entity: JsonObject = {
    id: str(item, 'id'),
    exportEntityType: type,
    name: str(item, 'name'),
    // Before 3.11 the DTOs have no description: the field is unknown and ignored.
    description: profile.descriptions ? str(item, 'description') : null,
    sourceIndexVersion: int(item.sourceIndexVersion),
    collectionId: str(item, 'collectionId')
  }
  if (type === 'dashboard') {
    const field = profile.legacyDashboards ? 'reports' : 'tiles'
    const tiles = list(item[field], field)
    entity.tiles = tiles === null ? null : readTiles(tiles, profile)
    entity.availableFilters = readFilters(list(item.availableFilters, 'availableFilters'))
    entity.instantPreviewDashboard = item.instantPreviewDashboard === true
  } else {
    entity.data = readData(item.data, type)
  }
  return entity
}

function readTiles(tiles: Json[], profile: ProfileSpec): JsonObject[] {
  for (const tile of tiles) {
    if (!isObject(tile)) throw new Invalid(`Cannot deserialize tile from ${describe(tile)}`)
    if (!profile.legacyDashboards && tile.type !== undefined && tile.type !== null) {
      if (typeof tile.type !== 'string' || !TILE_TYPES.includes(tile.type.toLowerCase())) {
        throw new Invalid(
          `Cannot deserialize value of type \`DashboardTileType\` from String "${String(tile.type)}": not one of the values accepted for Enum class: [${TILE_TYPES.join(', ')}]`
        )
      }
    }
  }
  const objects = tiles.filter(isObject)
  if (profile.legacyDashboards) return legacyReportsToTiles(objects)
  return objects.map(tile => ({
    id: tile.id === undefined ? null : tile.id,
    position: tile.position ?? null,
    dimensions: tile.dimensions ?? null,
    type: typeof tile.type === 'string' ? tile.type.toLowerCase() : null,
    configuration: tile.configuration ?? null
  }))
}

function readFilters(filters: Json[] | null): Json[] | null {
  if (filters === null) return null
  for (const filter of filters) {
    if (
      !isObject(filter) ||
      typeof filter.type !== 'string' ||
      !FILTER_TYPES.includes(filter.type)
    ) {
      const id = isObject(filter) ? String(filter.type) : describe(filter)
      throw new Invalid(
        `Could not resolve type id '${id}' as a subtype of \`DashboardFilterDto\`: known type ids = [${FILTER_TYPES.join(', ')}]`
      )
    }
    const data = filter.data
    if (
      filter.type === 'variable' &&
      isObject(data) &&
      !VARIABLE_TYPES.includes(String(data.type))
    ) {
      throw new Invalid(
        `Could not resolve type id '${String(data.type)}' as a subtype of \`DashboardVariableFilterDataDto\`: known type ids = [${VARIABLE_TYPES.join(', ')}]`
      )
    }
  }
  return filters
}

function readData(value: Json | undefined, type: string): Json {
  if (value === undefined || value === null) return null
  if (!isObject(value)) throw new Invalid(`Cannot deserialize report data from ${describe(value)}`)
  const data: JsonObject = {...value}
  delete data.userTaskReport // derived getter: ignored on import
  if (type === 'combined_report') {
    const reports = list(data.reports, 'reports') ?? []
    data.reports = reports.map(r => {
      if (!isObject(r))
        throw new Invalid(`Cannot deserialize combined report item from ${describe(r)}`)
      return {id: typeof r.id === 'string' ? r.id : null, color: r.color ?? null}
    })
    return data
  }
  const vis = data.visualization
  if (
    vis !== undefined &&
    vis !== null &&
    (typeof vis !== 'string' || !VISUALIZATIONS.includes(vis))
  ) {
    throw new Invalid(
      `Cannot deserialize value of type \`Visualization\` from String "${String(vis)}": not one of the values accepted for Enum class: [${VISUALIZATIONS.join(', ')}]`
    )
  }
  // ReportDataDefinitionDto defaults: versions ← ["all"], tenantIds ← [null].
  data.definitions = (list(data.definitions, 'definitions') ?? []).map(def => {
    if (!isObject(def)) throw new Invalid(`Cannot deserialize definition from ${describe(def)}`)
    return {
      ...def,
      versions: list(def.versions, 'versions') ?? ['all'],
      tenantIds: list(def.tenantIds, 'tenantIds') ?? [null]
    }
  })
  data.managementReport = data.managementReport === true
  data.instantPreviewReport = data.instantPreviewReport === true
  return data
}

function violationsOf(entity: JsonObject, profile: ProfileSpec): string[] {
  const out: string[] = []
  if (entity.id === null) out.push('id must not be null')
  if (entity.name === null) out.push('name must not be null')
  if (entity.exportEntityType === 'dashboard') {
    if (entity.tiles === null)
      out.push(`${profile.legacyDashboards ? 'reports' : 'tiles'} must not be null`)
    if (entity.availableFilters === null) out.push('availableFilters must not be null')
  } else if (entity.data === null) out.push('data must not be null')
  return out
}

/** The body is read into a Set, so fully identical DTOs collapse into one. */
function dedupe(entities: JsonObject[]): JsonObject[] {
  const seen = new Set<string>()
  return entities.filter(e => {
    const key = JSON.stringify(e)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function str(item: JsonObject, key: string): string | null {
  const value = item[key]
  if (value === undefined || value === null) return null
  // Jackson coerces scalars to String but refuses objects and arrays.
  if (typeof value === 'object') {
    throw new Invalid(
      `Cannot deserialize value of type \`java.lang.String\` from ${describe(value)} (through reference chain: ${DTO}["${key}"])`
    )
  }
  return String(value)
}

function int(value: Json | undefined): number {
  // A primitive int: missing or null → 0 (FAIL_ON_NULL_FOR_PRIMITIVES = false).
  if (value === undefined || value === null) return 0
  if (typeof value === 'number') return Math.trunc(value)
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim())
  throw new Invalid(
    `Cannot deserialize value of type \`int\` from ${describe(value)} (through reference chain: ${DTO}["sourceIndexVersion"])`
  )
}

function list(value: Json | undefined, key: string): Json[] | null {
  if (value === undefined || value === null) return null
  if (Array.isArray(value)) return value
  if (isObject(value)) return [value] // ACCEPT_SINGLE_VALUE_AS_ARRAY
  throw new Invalid(
    `Cannot deserialize value of type \`java.util.ArrayList\` from ${describe(value)} (property "${key}")`
  )
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'Array value (token `JsonToken.START_ARRAY`)'
  if (value === null) return 'Null value'
  if (typeof value === 'object') return 'Object value (token `JsonToken.START_OBJECT`)'
  return `${typeof value === 'string' ? 'String' : typeof value === 'number' ? 'Integer' : 'Boolean'} value (${JSON.stringify(value)})`
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch (error) {
    // Only pay for comment stripping when plain parsing failed.
    try {
      return JSON.parse(stripComments(raw))
    } catch {
      throw error
    }
  }
}

/** ALLOW_COMMENTS: drop // and /* *\/ comments outside strings. */
function stripComments(text: string): string {
  if (!text.includes('/')) return text
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      out += c
      if (c === '\\') out += text[++i] ?? ''
      else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end === -1 ? text.length : end + 1
      out += ' '
    } else out += c
  }
  return out
}
