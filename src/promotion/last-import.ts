/**
 * The record of the last import into the target (entities/drift.ts), read
 * for the plan and written after a successful import, where the settings
 * say: the repository of `path`, pushed to origin unless `commit` is none
 * (github/import-record.ts).
 */
import {nextRecord} from '../entities/drift.js'
import {unitsByName} from '../entities/promotion-plan.js'
import type {Io} from '../io.js'
import {readRecord, writeRecord, type LastImport} from '../github/import-record.js'
import type {Settings} from '../settings.js'
import type {PlanContext} from './prepare.js'

export async function readLastImport(
  settings: Settings,
  collectionId: string,
  io: Io
): Promise<LastImport> {
  const last = await readRecord(
    settings.path,
    settings.workspace,
    {optimizeUrl: settings.connection?.baseUrl ?? '', collectionId},
    {token: settings.github.token, io}
  )
  if (last.unfetched)
    io.warning(
      `The record of the last import could not be fetched from origin (${last.unfetched}): the local one is used, which may be older.`
    )
  io.info(
    last.record
      ? `The last import is recorded at ${last.ref} (${last.parent?.slice(0, 12)}).`
      : `No record of the last import: ${last.missing}.`
  )
  return last
}

/**
 * Records what this import left in collection `collectionId`; returns
 * warnings (the import itself succeeded either way).
 */
export async function recordImport(
  settings: Settings,
  io: Io,
  context: PlanContext,
  collectionId: string
): Promise<string[]> {
  const last = context.lastImport ?? (await readLastImport(settings, collectionId, io))
  const units = unitsByName(context.git)
  const record = nextRecord(
    last.record,
    context.body.items,
    context.body.unmanaged,
    (kind, name) => {
      const unit = units.get(kind, name)
      return unit && context.gitPrints.hash(unit)
    },
    collectionId
  )
  return writeRecord(last, record, {
    push: settings.github.mode !== 'none',
    message: `optimize-as-code: what import left in collection ${collectionId} (${record.units.length} dashboards and standalone reports)`
  })
}
