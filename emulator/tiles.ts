// Dashboard tiles: current `tiles` vs legacy (≤ 3.9, index v6) `reports`.
import {UUID_PATTERN} from './random.js'
import type {Json, JsonObject} from './types.js'
import {isObject} from './types.js'

/** Only lower-case-UUID tile ids are report references (IdGenerator.isValidId). */
export function isReportReference(id: Json | undefined): id is string {
  return typeof id === 'string' && UUID_PATTERN.test(id)
}

/** Legacy `reports` items have no `type`: infer it (external URLs used to be stored as the id). */
export function legacyReportsToTiles(reports: Json[]): JsonObject[] {
  return reports.filter(isObject).map(item => {
    const id = typeof item.id === 'string' ? item.id : ''
    const configuration = isObject(item.configuration) ? item.configuration : null
    let type = 'text'
    if (isReportReference(id)) type = 'optimize_report'
    else if (/^https?:\/\//.test(id) || (configuration && 'external' in configuration)) {
      type = 'external_url'
    }
    return {
      id,
      position: item.position ?? null,
      dimensions: item.dimensions ?? null,
      type,
      configuration
    }
  })
}

/** Current tiles → legacy `reports` items (no `type`; external URL as id). */
export function tilesToLegacyReports(tiles: Json[]): JsonObject[] {
  return tiles.filter(isObject).map(tile => {
    let id = tile.id ?? ''
    const configuration = isObject(tile.configuration) ? tile.configuration : null
    if (
      tile.type === 'external_url' &&
      configuration &&
      typeof configuration.external === 'string'
    ) {
      id = configuration.external
    }
    return {
      id,
      position: tile.position ?? null,
      dimensions: tile.dimensions ?? null,
      configuration
    }
  })
}

export function tileReportIds(dashboard: JsonObject): string[] {
  const tiles = Array.isArray(dashboard.tiles) ? dashboard.tiles : []
  return tiles
    .filter(isObject)
    .map(t => t.id)
    .filter(isReportReference)
}
