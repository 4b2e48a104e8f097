// Behaviour differences between Optimize lines. Every field cites where it was read in
// emulator/README.md ("Profiles"); the profile names are the Optimize lines they stand for.
import type {Profile, ProfileName} from './types.js'

export interface IndexVersions {
  process: number
  decision: number
  combined: number
  dashboard: number
}

export interface ProfileSpec {
  name: ProfileName
  /** Exact sourceIndexVersion per entity type (the index classes' VERSION). */
  versions: IndexVersions
  /** JAX-RS `void` resources answer 204; Spring `void` controllers 200 with an empty body. */
  voidStatus: 200 | 204
  /** Spring exportReportData wraps every exception in OptimizeRuntimeException → 500. */
  springDataExport: boolean
  /** Spring builds whose labels endpoint lacks @RequestBody. */
  labelsBodyUnbound: boolean
  /** camunda/camunda#36419: importEntities lacks @RequestBody, the body is always null. */
  importBodyUnbound: boolean
  /**
   * Spring builds before the superclass handler: OptimizeValidationException and its subclasses
   * without a handler of their own (importFileInvalid among them) reach the catch-all as 500.
   */
  validationAs500: boolean
  /** Dashboards ≤ 3.9 (index v6) carry `reports` (items without `type`) instead of `tiles`. */
  legacyDashboards: boolean
  /** Entity descriptions exist from 3.11 on (Upgrade310To311PlanFactory). */
  descriptions: boolean
  /** DashboardService.validateVariableFiltersExistInReports runs on import. */
  variableFilterCheck: boolean
  /** entity.nameMaxLength, or null where names are not checked on import. */
  nameMaxLength: number | null
  /** ≤ 3.7 also reads `access_token` from the query and the header without `Bearer `. */
  legacyAuth: boolean
  /** The collection endpoints exist from 8.6 only. */
  collectionEndpoints: boolean
  /** ≤ 3.7 answered the import with `[{id}]` only. */
  importIdsOnly: boolean
}

/** DatabaseConstants.LIST_FETCH_LIMIT: "we cap listings to 1000 as a generous practical limit, no paging". */
export const LIST_FETCH_LIMIT = 1000

const CURRENT: IndexVersions = {process: 11, decision: 10, combined: 5, dashboard: 8}

const JAX_RS = {
  voidStatus: 204,
  springDataExport: false,
  labelsBodyUnbound: false,
  importBodyUnbound: false,
  validationAs500: false,
  legacyDashboards: false,
  descriptions: true,
  variableFilterCheck: true,
  nameMaxLength: null,
  legacyAuth: false,
  collectionEndpoints: false,
  importIdsOnly: false
} as const

const SPRING = {
  ...JAX_RS,
  voidStatus: 200,
  springDataExport: true,
  labelsBodyUnbound: true,
  validationAs500: true,
  collectionEndpoints: true
} as const

export const PROFILES: Record<ProfileName, ProfileSpec> = {
  '3.7': {
    ...JAX_RS,
    name: '3.7',
    // Only the process report (8) is pinned for 3.7; the others are [inferred].
    versions: {process: 8, decision: 8, combined: 4, dashboard: 5},
    legacyDashboards: true,
    descriptions: false,
    legacyAuth: true,
    importIdsOnly: true
  },
  '3.9': {
    ...JAX_RS,
    name: '3.9',
    versions: {process: 9, decision: 9, combined: 4, dashboard: 6},
    legacyDashboards: true,
    descriptions: false
  },
  '3.10': {
    ...JAX_RS,
    name: '3.10',
    versions: {process: 10, decision: 9, combined: 4, dashboard: 7},
    descriptions: false
  },
  '3.11-3.14': {...JAX_RS, name: '3.11-3.14', versions: CURRENT},
  // 8.6 before the Spring MVC rewrite: JAX-RS, with the collection endpoints.
  '8.6-jaxrs': {...JAX_RS, name: '8.6-jaxrs', versions: CURRENT, collectionEndpoints: true},
  '8.6-8.8-unpatched': {
    ...SPRING,
    name: '8.6-8.8-unpatched',
    versions: CURRENT,
    importBodyUnbound: true
  },
  '8.6-8.8-patched': {...SPRING, name: '8.6-8.8-patched', versions: CURRENT},
  '8.9': {...SPRING, name: '8.9', versions: CURRENT},
  latest: {
    ...SPRING,
    name: 'latest',
    versions: CURRENT,
    labelsBodyUnbound: false,
    validationAs500: false,
    variableFilterCheck: false,
    nameMaxLength: 255
  }
}

/** Older names kept working: '8.x' was the JAX-RS 8.x profile, '8.7' the Spring one. */
export const PROFILE_ALIASES: Record<string, ProfileName> = {
  '8.x': '8.6-jaxrs',
  '8.3-8.5': '3.11-3.14',
  '8.7': '8.6-8.8-patched'
}

export const PROFILE_NAMES: Profile[] = [
  ...(Object.keys(PROFILES) as ProfileName[]),
  ...(Object.keys(PROFILE_ALIASES) as Profile[])
]

export function resolveProfile(name: string): ProfileSpec {
  const spec = PROFILES[PROFILE_ALIASES[name] ?? name] as ProfileSpec | undefined
  if (!spec) throw new Error(`unknown profile ${name}; one of ${PROFILE_NAMES.join(', ')}`)
  return spec
}

/** Index names with the default prefix `optimize`, e.g. `optimize-dashboard_v8`. */
export function indexName(kind: keyof IndexVersions, version: number): string {
  const base = {
    process: 'single-process-report',
    decision: 'single-decision-report',
    combined: 'combined-report',
    dashboard: 'dashboard'
  }[kind]
  return `optimize-${base}_v${version}`
}
