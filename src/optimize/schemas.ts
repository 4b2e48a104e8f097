/**
 * Schemas of the entities Optimize's public API exports and imports
 * (optimize-api.md §3). They are loose on purpose: Optimize adds fields between
 * versions and ignores unknown ones on import (§4.1 step 3), so we validate what
 * we rely on and carry the rest through unchanged.
 */
import {z} from 'zod'

export const EntityTypes = [
  'single_process_report',
  'single_decision_report',
  'combined_report',
  'dashboard'
] as const
export type EntityType = (typeof EntityTypes)[number]
export type ReportType = Exclude<EntityType, 'dashboard'>

/** Each entity type in words, for messages. */
export const TYPE_WORDS: Record<EntityType, string> = {
  single_process_report: 'process report',
  single_decision_report: 'decision report',
  combined_report: 'combined report',
  dashboard: 'dashboard'
}

export const TileTypes = ['optimize_report', 'external_url', 'text'] as const

/** Optimize only treats lower-case UUID tile ids as report references (§3.3). */
export const REPORT_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const description = z.string().nullable().optional()

/**
 * An object whose fields are not checked, taken as it is: a looseObject
 * would copy every field, which on a 2,000-report export costs more than
 * parsing it. Like that copy, it has no `__proto__` key (JSON.parse makes one
 * an own property; assigning it sets a prototype instead).
 */
const anyObject = z
  .custom<Record<string, unknown>>(
    value => typeof value === 'object' && value !== null && !Array.isArray(value),
    // zod's own words for an object schema's input of another type.
    {
      error: ({input}) =>
        `Invalid input: expected object, received ${Array.isArray(input) ? 'array' : input === null ? 'null' : typeof input}`
    }
  )
  .transform(value => {
    if (!Object.hasOwn(value, '__proto__')) return value
    const copy: Record<string, unknown> = {}
    for (const [key, field] of Object.entries(value)) if (key !== '__proto__') copy[key] = field
    return copy
  })

export const DefinitionSchema = z.looseObject({
  key: z.string(),
  versions: z.array(z.string()).optional(),
  tenantIds: z.array(z.string().nullable()).optional()
})

const reportBase = {
  id: z.string(),
  name: z.string(),
  description,
  sourceIndexVersion: z.number().int().nullable().optional(),
  collectionId: z.string().nullable().optional()
}

export const SingleReportDataSchema = z.looseObject({
  definitions: z.array(DefinitionSchema).optional(),
  configuration: anyObject.nullable().optional(),
  view: anyObject.nullable().optional(),
  groupBy: anyObject.nullable().optional(),
  distributedBy: anyObject.nullable().optional(),
  filter: z.array(anyObject).nullable().optional(),
  visualization: z.string().nullable().optional(),
  managementReport: z.boolean().optional(),
  instantPreviewReport: z.boolean().optional()
})

export const ProcessReportSchema = z.looseObject({
  ...reportBase,
  exportEntityType: z.literal('single_process_report'),
  data: SingleReportDataSchema
})

export const DecisionReportSchema = z.looseObject({
  ...reportBase,
  exportEntityType: z.literal('single_decision_report'),
  data: SingleReportDataSchema
})

export const CombinedReportSchema = z.looseObject({
  ...reportBase,
  exportEntityType: z.literal('combined_report'),
  data: z.looseObject({
    configuration: anyObject.nullable().optional(),
    visualization: z.string().nullable().optional(),
    reports: z.array(z.looseObject({id: z.string(), color: z.string().nullable().optional()}))
  })
})

export const TileSchema = z.looseObject({
  id: z.string(),
  position: z.object({x: z.number().int(), y: z.number().int()}),
  dimensions: z.object({width: z.number().int(), height: z.number().int()}),
  type: z.enum(TileTypes).optional(),
  configuration: z.unknown().optional()
})

export const DashboardSchema = z.looseObject({
  id: z.string(),
  exportEntityType: z.literal('dashboard'),
  name: z.string(),
  description,
  sourceIndexVersion: z.number().int().nullable().optional(),
  collectionId: z.string().nullable().optional(),
  tiles: z.array(TileSchema),
  availableFilters: z.array(z.looseObject({type: z.string()})),
  instantPreviewDashboard: z.boolean().optional()
})

export const ReportSchema = z.discriminatedUnion('exportEntityType', [
  ProcessReportSchema,
  DecisionReportSchema,
  CombinedReportSchema
])

export const EntitySchema = z.discriminatedUnion('exportEntityType', [
  ...ReportSchema.options,
  DashboardSchema
])

export type ProcessReport = z.infer<typeof ProcessReportSchema>
export type DecisionReport = z.infer<typeof DecisionReportSchema>
export type CombinedReport = z.infer<typeof CombinedReportSchema>
export type Report = z.infer<typeof ReportSchema>
export type Tile = z.infer<typeof TileSchema>
export type Dashboard = z.infer<typeof DashboardSchema>
export type Entity = z.infer<typeof EntitySchema>

export function isDashboard(entity: Entity): entity is Dashboard {
  return entity.exportEntityType === 'dashboard'
}

/** The report ids a dashboard's tiles reference (only UUID ids count, §3.3). */
export function tileReportIds(dashboard: Dashboard): string[] {
  return dashboard.tiles.map(tile => tile.id).filter(id => REPORT_ID_PATTERN.test(id))
}

/** Index versions per entity type, as a target Optimize expects them (§3.4). */
export type IndexVersions = Record<EntityType, number>

/**
 * The index versions of each Optimize line (emulator/README.md "Profiles"
 * cites the upgrade plans and index classes they come from). Camunda 8.0-8.2
 * shipped Optimize 3.8-3.10, and 8.3-8.5 shipped 3.11-3.13; from 8.6 Optimize
 * carries Camunda's version. Only the process report index of 3.7 is pinned
 * by a source; its other three are inferred, as in the emulator.
 */
export const INDEX_VERSIONS = {
  '3.11+': {
    single_process_report: 11,
    single_decision_report: 10,
    combined_report: 5,
    dashboard: 8
  },
  '3.10': {single_process_report: 10, single_decision_report: 9, combined_report: 4, dashboard: 7},
  '3.8-3.9': {
    single_process_report: 9,
    single_decision_report: 9,
    combined_report: 4,
    dashboard: 6
  },
  '3.7': {single_process_report: 8, single_decision_report: 8, combined_report: 4, dashboard: 5}
} as const satisfies Record<string, IndexVersions>

export type OptimizeLine = keyof typeof INDEX_VERSIONS

/**
 * Dashboards up to this index version (Optimize 3.9 and older) carry their
 * tiles as `reports`: items without `type`, an external URL as the id. The
 * 3.9 to 3.10 upgrade turned them into `tiles` (index 7).
 */
export const LAST_LEGACY_DASHBOARD_INDEX = 6

/**
 * Entities exported by Optimize before 3.11 have no `description`: the 3.10
 * to 3.11 upgrade added it to every report index and the dashboard index.
 * Optimize 3.10 and older ignore the field on import.
 */
export function hasDescriptions(type: EntityType, sourceIndexVersion: number): boolean {
  return sourceIndexVersion >= INDEX_VERSIONS['3.11+'][type]
}

/** One entry of the import response (§1 row 6); 3.7 answers `{id}` only. */
export const ImportedEntitySchema = z.object({
  id: z.string(),
  entityType: z.enum(['report', 'dashboard']).optional()
})
export type ImportedEntity = z.infer<typeof ImportedEntitySchema>

export const CollectionSchema = z.looseObject({
  id: z.string(),
  name: z.string().nullable().optional()
})
export type Collection = z.infer<typeof CollectionSchema>
