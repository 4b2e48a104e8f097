/**
 * Pure: which dashboard or report of one tree is which of another when ids
 * cannot tell. Optimize's import always makes new ids, so a dashboard
 * re-imported into dev comes back with new ids for itself and every report
 * it shows; the next export must still see the same dashboard, changed.
 *
 * The rule is plan's (promotion-plan.ts): a dashboard is known by its name in
 * the collection, a standalone report by its name; a report on a dashboard
 * through the dashboard and its own name there (plan pairs tiles by report
 * name, promotion-differences.ts), a report inside a combined report through
 * the combined report likewise. Ids only break ties: dashboards or standalone
 * reports of one name are told apart by id (the smallest keeps the plain
 * identity, as in plan), reports of one name on one dashboard by where their
 * first tile sits.
 *
 * An identity is a key, computed from one tree alone: file names derive from
 * it (layout.ts), so a re-imported dashboard and its reports keep their
 * files, and the export's change summary pairs entities by it
 * (matchEntities, github/summary.ts), where an id both trees have also
 * pairs (see there why).
 */
import type {Dashboard, Report} from '../optimize/schemas.js'
import {compareStrings, compareTiles, groupBy} from './normalize.js'
import {referencedIds, standaloneReports, type EntityIndex} from './promotion-compare.js'

/** Identity keys of one tree: dashboard id → key, report id → key. */
export interface IdentityKeys {
  dashboards: Map<string, string>
  reports: Map<string, string>
}

/** Entities by name, each group in id order (the smallest id first). */
export function groupByName<T extends {id: string; name: string}>(
  entities: readonly T[]
): Map<string, T[]> {
  return groupBy(
    [...entities].sort((a, b) => compareStrings(a.id, b.id)),
    entity => entity.name
  )
}

export function identityKeys(index: EntityIndex): IdentityKeys {
  const keys: IdentityKeys = {dashboards: new Map(), reports: new Map()}
  // A key is a path of names, as JSON: no name can make two paths look alike.
  const key = (path: readonly string[]): string => JSON.stringify(path)
  const paths = new Map<string, string[]>()

  /** Keys `children` under `parent`, in the order given; one name twice counts #2, #3… */
  const assign = (parent: readonly string[], children: readonly Report[]): Report[] => {
    const fresh = children.filter(child => !keys.reports.has(child.id))
    const seen = new Map<string, number>()
    for (const child of fresh) {
      const rank = (seen.get(child.name) ?? 0) + 1
      seen.set(child.name, rank)
      const path = [...parent, 'report', child.name, ...(rank > 1 ? [`#${rank}`] : [])]
      paths.set(child.id, path)
      keys.reports.set(child.id, key(path))
    }
    return fresh
  }
  const reportsOf = (ids: readonly string[]): Report[] =>
    [...new Set(ids)].flatMap(id => index.reports.get(id) ?? [])

  const homes: Report[] = []
  const dashboards: {path: string[]; key: string; dashboard: Dashboard}[] = []
  for (const [name, group] of groupByName(index.dashboards)) {
    group.forEach((dashboard, i) => {
      const path = ['dashboard', name, ...(i > 0 ? [`#${dashboard.id}`] : [])]
      keys.dashboards.set(dashboard.id, key(path))
      dashboards.push({path, key: key(path), dashboard})
    })
  }
  dashboards.sort((a, b) => compareStrings(a.key, b.key))
  for (const {path, dashboard} of dashboards) {
    const tiles = [...dashboard.tiles].sort(compareTiles)
    homes.push(...assign(path, reportsOf(tiles.map(tile => tile.id))))
  }
  for (const [name, group] of groupByName(standaloneReports(index))) {
    group.forEach((report, i) => {
      const path = ['report', name, ...(i > 0 ? [`#${report.id}`] : [])]
      paths.set(report.id, path)
      keys.reports.set(report.id, key(path))
      homes.push(report)
    })
  }
  // Children of combined reports, through their parent, breadth first.
  for (let i = 0; i < homes.length; i++) {
    const parent = homes[i]
    homes.push(...assign(paths.get(parent.id) as string[], reportsOf(referencedIds(parent))))
  }
  // Only reports that reference each other in a circle are left: nothing names them but their id.
  for (const id of [...index.reports.keys()].sort(compareStrings))
    if (!keys.reports.has(id)) keys.reports.set(id, key(['report id', id]))
  return keys
}

/** Two versions of one entity, or one side alone for an entity only one tree has. */
export type Pair<T> = [before: T, after: T] | [before: T, after: undefined] | [undefined, T]

export interface Matching {
  dashboards: Pair<Dashboard>[]
  reports: Pair<Report>[]
}

/**
 * Pairs the entities of two trees. Dashboards by identity, as plan does, then
 * what is left by id: a dashboard renamed in Optimize keeps its id, so it
 * shows as renamed, not as removed and added. Reports by id first (within
 * one Optimize an id is the report itself, also when two tiles of one name
 * trade places, which trades their identities), then by identity: a
 * re-imported dashboard's reports have new ids only. Pairs come in
 * `before`'s id order, then `after`'s.
 */
export function matchEntities(before: EntityIndex, after: EntityIndex): Matching {
  const beforeKeys = identityKeys(before)
  const afterKeys = identityKeys(after)
  const id = (entity: {id: string}): string => entity.id
  const keyIn =
    (keys: ReadonlyMap<string, string>) =>
    (entity: {id: string}): string | undefined =>
      keys.get(entity.id)
  return {
    dashboards: pair(before.dashboards, after.dashboards, [
      [keyIn(beforeKeys.dashboards), keyIn(afterKeys.dashboards)],
      [id, id]
    ]),
    reports: pair(
      [...before.reports.values()],
      [...after.reports.values()],
      [
        [id, id],
        [keyIn(beforeKeys.reports), keyIn(afterKeys.reports)]
      ]
    )
  }
}

type Step<T> = [before: (entity: T) => string | undefined, after: (entity: T) => string | undefined]

/** Pairs what has the same value in the first step, then the rest by the next step, and so on. */
function pair<T extends {id: string}>(
  before: readonly T[],
  after: readonly T[],
  steps: readonly Step<T>[]
): Pair<T>[] {
  const byId = (a: T, b: T): number => compareStrings(a.id, b.id)
  let olds = [...before].sort(byId)
  let news = [...after].sort(byId)
  const pairs: Pair<T>[] = []
  for (const [oldValue, newValue] of steps) {
    const waiting = new Map<string, T>()
    for (const entity of news) {
      const value = newValue(entity)
      if (value !== undefined) waiting.set(value, entity)
    }
    const paired = new Set<T>()
    const unpaired: T[] = []
    for (const entity of olds) {
      const value = oldValue(entity)
      const match = value === undefined ? undefined : waiting.get(value)
      if (!match || paired.has(match)) {
        unpaired.push(entity)
        continue
      }
      pairs.push([entity, match])
      paired.add(match)
    }
    olds = unpaired
    news = news.filter(entity => !paired.has(entity))
  }
  for (const entity of olds) pairs.push([entity, undefined])
  for (const entity of news) pairs.push([undefined, entity])
  return pairs
}
