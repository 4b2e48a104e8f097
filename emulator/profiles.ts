// Behaviour differences between Optimize lines (optimize-api.md §1 version history, §2.4, §3.4).
import type {Profile} from './types.js'

export interface IndexVersions {
  process: number
  decision: number
  combined: number
  dashboard: number
}

export interface ProfileSpec {
  name: Profile
  /** §3.4: exact sourceIndexVersion per entity type. */
  versions: IndexVersions
  /** §1 "Status codes of void endpoints": JAX-RS 204, Spring 200 with empty body. */
  voidStatus: 200 | 204
  /** §5.3 Spring era: exportReportData wraps every exception in OptimizeRuntimeException → 500. */
  springDataExport: boolean
  /** §1 row 9: Spring commits ea081044/046a6d22 never bind the labels body. */
  labelsBodyUnbound: boolean
  /** §3.3: dashboards ≤ v7 use `reports` (no tile `type`) instead of `tiles`. */
  legacyDashboards: boolean
  /** §2.4: ≤ 3.7 also reads `access_token` from the query and the header without `Bearer `. */
  legacyAuth: boolean
  /** §1: the collection endpoints exist from 8.6 only. */
  collectionEndpoints: boolean
  /** §1 row 6: ≤ 3.7 answered the import with `[{id}]` only. */
  importIdsOnly: boolean
}

export const PROFILES: Record<Profile, ProfileSpec> = {
  '8.x': {
    name: '8.x',
    versions: {process: 11, decision: 10, combined: 5, dashboard: 8},
    voidStatus: 204,
    springDataExport: false,
    labelsBodyUnbound: false,
    legacyDashboards: false,
    legacyAuth: false,
    collectionEndpoints: true,
    importIdsOnly: false
  },
  '8.7': {
    name: '8.7',
    versions: {process: 11, decision: 10, combined: 5, dashboard: 8},
    voidStatus: 200,
    springDataExport: true,
    labelsBodyUnbound: true,
    legacyDashboards: false,
    legacyAuth: false,
    collectionEndpoints: true,
    importIdsOnly: false
  },
  '3.10': {
    name: '3.10',
    versions: {process: 10, decision: 9, combined: 4, dashboard: 7},
    voidStatus: 204,
    springDataExport: false,
    labelsBodyUnbound: false,
    legacyDashboards: true,
    legacyAuth: false,
    collectionEndpoints: false,
    importIdsOnly: false
  },
  '3.7': {
    name: '3.7',
    // §3.4 only pins the process report (8) for 3.7; the others are [inferred] one step below
    // 3.10 for decision/combined, and the 3.x docs' dashboard value 5.
    versions: {process: 8, decision: 8, combined: 4, dashboard: 5},
    voidStatus: 204,
    springDataExport: false,
    labelsBodyUnbound: false,
    legacyDashboards: true,
    legacyAuth: true,
    collectionEndpoints: false,
    importIdsOnly: true
  }
}

/** §3.4 index names with the default prefix `optimize`. */
export function indexName(kind: keyof IndexVersions, version: number): string {
  const base = {
    process: 'single-process-report',
    decision: 'single-decision-report',
    combined: 'combined-report',
    dashboard: 'dashboard'
  }[kind]
  return `optimize-${base}_v${version}`
}
