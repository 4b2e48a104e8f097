/**
 * Pure: drift, a change made in the target collection since the last import
 * (a hand edit in Optimize), told apart from a change in git.
 *
 * The record of the last import (github/import-record.ts keeps it in git)
 * holds, per dashboard and standalone report of the target by kind and
 * name, the digest of the version that import left there: its fingerprint
 * digest (promotion-compare.ts), the same one the plan compares. Against it,
 * each unit the plan would write has changed in git (the file's digest is
 * not the recorded one), in the target (the target's is not), or both.
 *
 * The record only ever holds writes back (`on-drift: fail` refuses, `skip`
 * leaves the unit as the target has it); it never adds a write or a
 * deletion. Without a record the plan is what it was without drift
 * detection.
 */
import {z} from 'zod'
import {compareStrings} from './normalize.js'
import type {Prerequisite, PrerequisiteStatus} from './plan-document.js'
import type {PlanItem, UnitKind} from './promotion-plan.js'

export type OnDrift = 'fail' | 'skip' | 'overwrite'

/** What happened to a unit in the target since the last import. */
export type TargetChange = 'edited' | 'deleted' | 'created'

export const RECORD_FORMAT_VERSION = 1

export const ImportRecordSchema = z.strictObject({
  formatVersion: z.literal(RECORD_FORMAT_VERSION),
  collectionId: z.string(),
  units: z.array(
    z.strictObject({
      kind: z.enum(['dashboard', 'report']),
      name: z.string(),
      digest: z.string().regex(/^[0-9a-f]{64}$/)
    })
  )
})

/** What the last import left in one target: canonical JSON, units sorted by kind and name. */
export type ImportRecord = z.infer<typeof ImportRecordSchema>
export type RecordUnit = ImportRecord['units'][number]

/** Digests of one side by unit: `undefined` when that side has no such unit. */
export interface DriftInput {
  record: ImportRecord
  /** The file's digest of a unit in git (mapped for the environment). */
  gitDigest(kind: UnitKind, name: string): string | undefined
  /** The digest of a target entity, by id. */
  targetDigest(kind: UnitKind, id: string): string
  onDrift: OnDrift
}

const unitKey = (kind: UnitKind, name: string): string => `${kind}\u0000${name}`

/**
 * Marks each item that writes with what changed since the last import
 * (`item.since`), and applies `on-drift` to those that drifted: `skip`
 * turns them into 'skip' items.
 */
export function markDrift(items: PlanItem[], input: DriftInput): void {
  const recorded = new Map(input.record.units.map(u => [unitKey(u.kind, u.name), u.digest]))
  for (const item of items) {
    const writes =
      item.action === 'create' ||
      item.action === 'replace' ||
      (item.action === 'delete' && item.cause === 'prune')
    if (!writes) continue
    const record = recorded.get(unitKey(item.kind, item.name))
    // Prune removes what git does not have, by request: a unit no import
    // made is not drift there, a unit edited since it was imported is.
    if (item.action === 'delete' && record === undefined) continue
    const git = item.action === 'delete' ? undefined : input.gitDigest(item.kind, item.name)
    const targets = item.targetIds.map(id => input.targetDigest(item.kind, id))
    const target = targetChange(record, targets)
    const gitChanged = git !== record
    item.since = {git: gitChanged, ...(target ? {target} : {})}
    item.reasons.push(sinceText(item, gitChanged, target))
    if (!target) continue
    if (input.onDrift === 'skip') {
      item.action = 'skip'
      item.reasons.push(
        `left as the target has it (on-drift: skip); ${item.targetIds.length ? 'the files’ version is not imported' : 'it is not recreated'}`
      )
    } else if (input.onDrift === 'overwrite') {
      item.reasons.push(
        item.action === 'delete'
          ? 'deleted anyway (on-drift: overwrite)'
          : 'the files’ version replaces the change made in the target (on-drift: overwrite)'
      )
    }
  }
}

function targetChange(
  record: string | undefined,
  targets: readonly string[]
): TargetChange | undefined {
  if (targets.length === 0) return record === undefined ? undefined : 'deleted'
  if (targets.every(t => t === record)) return undefined
  return record === undefined ? 'created' : 'edited'
}

const TARGET_WORDS: Record<TargetChange, string> = {
  edited: 'changed in the target',
  deleted: 'deleted in the target',
  created: 'made in the target, not by an import'
}

function sinceText(item: PlanItem, gitChanged: boolean, target?: TargetChange): string {
  const git = item.action === 'delete' ? 'removed from git' : 'changed in git'
  if (!target) return `${git} since the last import`
  const both = gitChanged && target !== 'created' ? ` and ${git}` : ''
  return `drift: ${TARGET_WORDS[target]}${both} since the last import`
}

/** One line per drifted unit, for messages: "dashboard 'Sales' (changed in the target: …)". */
export function describeDrift(items: readonly PlanItem[]): string[] {
  return items.map(item => {
    const what = item.since?.target ? TARGET_WORDS[item.since.target] : 'changed'
    const changes = item.changes.length
      ? `; the files' version would change ${item.changes.slice(0, 3).join('; ')}`
      : ''
    return `${item.kind} '${item.name}' (${what}${item.since?.git ? ', and in git' : ''}${changes})`
  })
}

/**
 * The record after an import that applied `items`: what each unit the
 * target now holds by this tool's hand is. Written and unchanged units get
 * the file's digest; skipped ones keep the digest recorded before (they
 * are still a change made in the target); units git no longer has but the
 * target keeps (prune off) keep theirs; deleted ones leave the record.
 */
export function nextRecord(
  previous: ImportRecord | undefined,
  items: readonly PlanItem[],
  kept: readonly {kind: UnitKind; name: string}[],
  gitDigest: (kind: UnitKind, name: string) => string | undefined,
  collectionId: string
): ImportRecord {
  const before = new Map((previous?.units ?? []).map(u => [unitKey(u.kind, u.name), u]))
  const units = new Map<string, RecordUnit>()
  const keep = (kind: UnitKind, name: string): void => {
    const unit = before.get(unitKey(kind, name))
    if (unit) units.set(unitKey(kind, name), unit)
  }
  for (const item of items) {
    if (item.action === 'skip') keep(item.kind, item.name)
    if (item.action !== 'create' && item.action !== 'replace' && item.action !== 'unchanged')
      continue
    const digest = gitDigest(item.kind, item.name)
    if (digest) units.set(unitKey(item.kind, item.name), {kind: item.kind, name: item.name, digest})
  }
  for (const unit of kept) if (!units.has(unitKey(unit.kind, unit.name))) keep(unit.kind, unit.name)
  return {
    formatVersion: RECORD_FORMAT_VERSION,
    collectionId,
    units: [...units.values()].sort(
      (a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.name, b.name)
    )
  }
}

/** Most drifted units a message names; the rest are counted. */
const MAX_NAMED = 10

/**
 * The plan's 'drift' prerequisite. `last` is undefined for a collection
 * import creates; `missing` says why there is no record. Without a record
 * it warns only when import would overwrite or delete something.
 */
export function driftCheck(
  items: readonly PlanItem[],
  last: {record?: ImportRecord; missing?: string} | undefined,
  onDrift: OnDrift
): Prerequisite {
  const drift = (status: PrerequisiteStatus, message: string): Prerequisite => ({
    check: 'drift',
    status,
    message
  })
  if (!last) return drift('ok', 'a new collection: drift is tracked from its first import')
  if (!last.record) {
    const overwrites = items.filter(
      i => i.action === 'replace' || (i.action === 'delete' && i.cause === 'prune')
    ).length
    return overwrites > 0
      ? drift(
          'warning',
          `${last.missing}: whether the ${overwrites} dashboards and reports import replaces or deletes were changed in the target since they were imported cannot be told, so import writes them as it would without a record. Import records what it leaves in the target`
        )
      : drift('ok', `${last.missing}; import records what it leaves in the target`)
  }
  const drifted = items.filter(i => i.since?.target)
  const inGit = items.filter(i => i.since?.git).length
  if (drifted.length === 0)
    return drift(
      'ok',
      `nothing changed in the target since the last import; ${inGit} changed in git`
    )
  const named = describeDrift(drifted.slice(0, MAX_NAMED)).join('; ')
  const more = drifted.length > MAX_NAMED ? `; and ${drifted.length - MAX_NAMED} more` : ''
  const units = drifted.length === 1 ? 'dashboard or report' : 'dashboards and reports'
  const what = `${drifted.length} ${units} changed in the target since the last import: ${named}${more}`
  if (onDrift === 'fail')
    return drift(
      'failed',
      `${what}. Import refuses to overwrite them: bring the change into git (export and merge it), or set input 'on-drift' to overwrite or skip`
    )
  return drift(
    'warning',
    onDrift === 'skip'
      ? `${what}. Left as the target has them (on-drift: skip)`
      : `${what}. Replaced by the files' version (on-drift: overwrite)`
  )
}
