/**
 * Pure parts of `import`: the payload of one batch, and recognising what an
 * import created. Optimize answers an import with new ids in arbitrary order
 * and no link to the source ids (optimize-api.md §4.1 step 13), so the new
 * entities are found by listing the collection before and after, and matched
 * to the files by name and fingerprint: the same comparison that proves the
 * new version equals the file.
 */
import {isDashboard, type Entity} from '../optimize/schemas.js'
import {toImportPayload} from './normalize.js'
import {
  Fingerprinter,
  describeDifferences,
  reachableReports,
  standaloneReports,
  type EntityIndex
} from './promotion-compare.js'

/** Dashboards up to this index version use the legacy `reports` field (§3.3). */
const LAST_LEGACY_DASHBOARD_INDEX = 7

/**
 * One import body for several units (dashboards or standalone reports): each
 * root with every report it reaches. A report shared by several units of the
 * batch is sent once.
 */
export function batchPayload(
  roots: readonly Entity[],
  git: EntityIndex,
  decisionXml: ReadonlyMap<string, string | undefined>
): Entity[] {
  const reports = [...reachableReports(roots, git.reports)].sort()
  const payload: Entity[] = []
  for (const id of reports) {
    const report = git.reports.get(id)
    if (report) payload.push(toImportPayload(report, decisionXml.get(id)))
  }
  for (const root of roots)
    if (isDashboard(root)) payload.push(toLegacyIfNeeded(toImportPayload(root)))
  return payload
}

/** Optimize 3.10 and older read dashboards from `reports` (no tile type, URL as id). */
function toLegacyIfNeeded(dashboard: Entity): Entity {
  if (!isDashboard(dashboard) || (dashboard.sourceIndexVersion ?? 0) > LAST_LEGACY_DASHBOARD_INDEX)
    return dashboard
  const {tiles, ...rest} = dashboard
  const reports = tiles.map(({type, ...tile}) => {
    const external = (tile.configuration as {external?: unknown} | null)?.external
    return type === 'external_url' && typeof external === 'string' ? {...tile, id: external} : tile
  })
  return {...rest, reports} as unknown as Entity
}

export interface MatchResult {
  /** Root id in git → id of its verified copy in the target. */
  ids: Map<string, string>
  /** Why a unit has no verified copy (missing, or stored differently). */
  problems: string[]
}

/**
 * Finds each root's new copy among the entities the import created: same kind,
 * same name, same fingerprint. A copy with the name but other content is a
 * verification failure, described path by path.
 */
export function matchImported(
  roots: readonly Entity[],
  git: EntityIndex,
  created: EntityIndex
): MatchResult {
  const gitPrints = new Fingerprinter(git)
  const newPrints = new Fingerprinter(created)
  const candidates: Record<'dashboard' | 'report', Entity[]> = {
    dashboard: [...created.dashboards],
    report: standaloneReports(created)
  }
  const result: MatchResult = {ids: new Map(), problems: []}
  for (const root of roots) {
    const kind = isDashboard(root) ? 'dashboard' : 'report'
    const pool = candidates[kind]
    const named = pool.filter(c => c.name === root.name)
    const match = named.find(c => gitPrints.equals(root, newPrints, c))
    if (match) {
      result.ids.set(root.id, match.id)
      pool.splice(pool.indexOf(match), 1)
    } else if (named.length > 0) {
      const differences = describeDifferences(newPrints.of(named[0]), gitPrints.of(root))
      result.problems.push(
        `${kind} '${root.name}' was imported as ${named[0].id}, but Optimize stored it differently from the file: ${differences.join('; ')}`
      )
    } else {
      result.problems.push(`${kind} '${root.name}' is not in the collection after the import`)
    }
  }
  return result
}
