/**
 * Pure: recognising what an import created. Optimize answers an import with
 * new ids in arbitrary order and no link to the source ids (optimize-api.md
 * §4.1 step 13), so the copies named in the answer are exported and matched
 * to the files by name and fingerprint: the same comparison that proves the
 * new version equals the file.
 */
import {isDashboard, type Entity} from '../optimize/schemas.js'
import {compareStrings} from './normalize.js'
import {Fingerprinter, unitsOf, type EntityIndex} from './promotion-compare.js'
import {describeDifferences} from './promotion-differences.js'
import type {TargetRef, UnitKind} from './promotion-plan.js'

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
  const candidates = unitsOf(created)
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

/** Ids of the target, by kind. */
export interface Ids {
  dashboards: Set<string>
  reports: Set<string>
}

export function emptyIds(): Ids {
  return {dashboards: new Set(), reports: new Set()}
}

/**
 * What of `sent` (entities of the files, as `git` indexes them) Optimize
 * wrote although its answer was lost (a timeout, a
 * reset, a failure halfway through its non-transactional writes): entities
 * that appeared since (`fresh`) and equal something sent in kind, name and
 * content. Each sent entity accounts for one copy at most; of several equal
 * copies the one with the largest id is taken, so that the smallest, which
 * every run keeps (`duplicateCopies`), stays. Anything else that appeared
 * meanwhile (made by hand, or by another run with other content) is never
 * taken for this run's.
 */
export function matchSent(sent: readonly Entity[], git: EntityIndex, fresh: EntityIndex): Ids {
  const dashboards = new Set(sent.filter(isDashboard).map(d => d.id))
  const found = emptyIds()
  for (const [entityId, copyId] of matchCopies(sent, git, fresh))
    (dashboards.has(entityId) ? found.dashboards : found.reports).add(copyId)
  return found
}

/**
 * matchSent's pairing: id of each entity of `sent` → id of the copy in
 * `fresh` taken for it (the largest of the equal ones). Entities without
 * a copy are left out.
 */
export function matchCopies(
  sent: readonly Entity[],
  git: EntityIndex,
  fresh: EntityIndex
): Map<string, string> {
  const gitPrints = new Fingerprinter(git)
  const freshPrints = new Fingerprinter(fresh)
  const pool: Record<UnitKind, Entity[]> = {
    dashboard: [...fresh.dashboards],
    report: [...fresh.reports.values()]
  }
  const found = new Map<string, string>()
  for (const entity of sent) {
    const kind: UnitKind = isDashboard(entity) ? 'dashboard' : 'report'
    const [taken] = pool[kind]
      .filter(c => c.name === entity.name && gitPrints.equals(entity, freshPrints, c))
      .sort((a, b) => compareStrings(b.id, a.id))
    if (!taken) continue
    pool[kind].splice(pool[kind].indexOf(taken), 1)
    found.set(entity.id, taken.id)
  }
  return found
}

/** A unit this run imported: its root in git and the id of the copy it verified. */
export interface ImportedUnit {
  root: Entity
  id: string
}

/**
 * Runs that import the same files at once each create a copy of every
 * unit. Each of them ends by calling this with what appeared meanwhile
 * (`fresh`, exported): of the copies that equal a unit's file, all runs
 * keep the same one, the smallest id, and delete the others, so however
 * their steps interleave, each unit ends up exactly once. Returns the copy
 * kept for each root id in git, and the copies to delete.
 */
export function duplicateCopies(
  units: readonly ImportedUnit[],
  git: EntityIndex,
  fresh: EntityIndex
): {keep: Map<string, string>; remove: TargetRef[]} {
  const gitPrints = new Fingerprinter(git)
  const freshPrints = new Fingerprinter(fresh)
  const freshRoots = unitsOf(fresh)
  const keep = new Map<string, string>()
  const remove: TargetRef[] = []
  for (const {root, id} of units) {
    const kind: UnitKind = isDashboard(root) ? 'dashboard' : 'report'
    const others = freshRoots[kind].filter(
      c => c.id !== id && c.name === root.name && gitPrints.equals(root, freshPrints, c)
    )
    const copies = [id, ...others.map(c => c.id)].sort()
    keep.set(root.id, copies[0])
    for (const copy of copies.slice(1)) remove.push({kind, id: copy, name: root.name})
  }
  return {keep, remove}
}

/**
 * Of this run's copies, the ones a rollback must keep. `roots` are units
 * whose old versions are gone from the target: another run, importing the
 * same files, deleted them after verifying a copy, which may be one this
 * run made (both keep the smallest id). For each, when no copy equal to its
 * file exists that this run did not make, the smallest of this run's equal
 * copies stays; deleting it would lose the dashboard.
 */
export function adoptedCopies(
  roots: readonly Entity[],
  git: EntityIndex,
  copies: EntityIndex,
  ours: Ids
): Set<string> {
  const gitPrints = new Fingerprinter(git)
  const copyPrints = new Fingerprinter(copies)
  const pools = unitsOf(copies)
  const kept = new Set<string>()
  for (const root of roots) {
    const kind: UnitKind = isDashboard(root) ? 'dashboard' : 'report'
    const own = kind === 'dashboard' ? ours.dashboards : ours.reports
    const equal = pools[kind].filter(
      c => c.name === root.name && gitPrints.equals(root, copyPrints, c)
    )
    if (equal.length === 0 || equal.some(c => !own.has(c.id))) continue
    kept.add(equal.map(c => c.id).sort(compareStrings)[0])
  }
  return kept
}
