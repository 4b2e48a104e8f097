/**
 * A dry run of an import: Optimize validates an import completely before it
 * writes anything (optimize-api.md §4.1 steps 1-11, then step 12 writes), and
 * the last thing it checks is the dashboards' index version: it collects the
 * mismatches first, validates every dashboard's description and filters, and
 * only then throws (DashboardImportService.validateAllDashboardsOrFail, the
 * same in the 3.x and the 8.x code). So an import whose dashboards all carry
 * index version 0, which no Optimize has, is validated like the real one and
 * refused before anything is written. Its answer tells what the real import
 * would meet:
 *
 * - the dashboards' index mismatch, and nothing else: everything else passed;
 * - any other refusal: what Optimize would refuse the real import with.
 *
 * A dashboard of index 0 rides along even when the import has none (a
 * "sentinel"). Optimize logs the refusal like any refused import; the request
 * carries `dryRun=true`, which Optimize ignores, so its access log tells them
 * apart.
 */
import {probeId} from '../entities/promotion-dry-run.js'
import type {OptimizeClient} from './client.js'
import {isImportBodyUnread, OptimizeApiError} from './errors.js'
import {isDashboard, type Entity} from './schemas.js'

/** The index version every dashboard of a dry run carries: none that Optimize uses. */
export const DRY_RUN_INDEX = 0

export type DryRunAnswer =
  /** Optimize validated everything and refused only the dashboards' index version. */
  | {kind: 'passed'}
  /** What Optimize would refuse the real import with. */
  | {kind: 'refused'; error: OptimizeApiError}
  /** camunda/camunda#36419: this build never reads an import's body. */
  | {kind: 'body-unread'; error: OptimizeApiError}

/**
 * Sends `entities` (an import payload, batchPayload's shape) as a dry run:
 * every dashboard gets index DRY_RUN_INDEX, and a sentinel dashboard in the
 * target's shape (`reports` up to 3.9, `tiles` after) is added. Network
 * failures throw. Should Optimize ever write (it never validates a dashboard
 * index it has), what it wrote is deleted again and an error thrown.
 */
export async function dryRunImport(
  client: OptimizeClient,
  collectionId: string,
  entities: readonly Entity[],
  shape: {legacyDashboards: boolean}
): Promise<DryRunAnswer> {
  const payload = [
    ...entities.map(e => (isDashboard(e) ? {...e, sourceIndexVersion: DRY_RUN_INDEX} : e)),
    sentinel(entities, shape.legacyDashboards)
  ]
  let written
  try {
    written = await client.importEntities(collectionId, payload, {dryRun: true})
  } catch (error) {
    if (!(error instanceof OptimizeApiError) || error.kind !== 'http') throw error
    if (isImportBodyUnread(error)) return {kind: 'body-unread', error}
    return onlyOurIndex(error) ? {kind: 'passed'} : {kind: 'refused', error}
  }
  for (const {id, entityType} of written) {
    if (entityType === 'dashboard') await client.deleteDashboard(id).catch(() => false)
  }
  for (const {id, entityType} of written) {
    if (entityType !== 'dashboard') await client.deleteReport(id).catch(() => false)
  }
  throw new Error(
    `Optimize accepted a dry run of an import that carried dashboard index version ${DRY_RUN_INDEX}, which it should refuse; the ${written.length} entities it wrote were deleted again (ids ${written.map(w => w.id).join(', ')}). Nothing else was written.`
  )
}

/** The refusal says only that the dashboards carry DRY_RUN_INDEX. */
function onlyOurIndex(error: OptimizeApiError): boolean {
  const body = error.body ?? {}
  const text = `${body.errorCode ?? ''} ${body.detailedMessage ?? ''}`
  if (!/importIndexVersionMismatch|index versions do not match/i.test(text)) return false
  if (!/dashboard/i.test(body.detailedMessage ?? '')) return false
  return (body.mismatchingIndices ?? []).every(
    index => index.sourceIndexVersion === DRY_RUN_INDEX || index.sourceIndexVersion === undefined
  )
}

/** An empty dashboard with an id of its own (a lower-case UUID made from the payload). */
function sentinel(entities: readonly Entity[], legacy: boolean): Record<string, unknown> {
  return {
    id: probeId(entities.map(e => e.id).join('\n')),
    exportEntityType: 'dashboard',
    name: 'optimize-as-code dry run (refused by design)',
    sourceIndexVersion: DRY_RUN_INDEX,
    ...(legacy ? {reports: []} : {tiles: []}),
    availableFilters: []
  }
}
