/**
 * The writes of one `import` run against the target collection, and the
 * record of what this run created, which is all it ever takes back.
 *
 * Over 300 lines: that record is private to this class, and every step that
 * creates or takes back entities reads or extends it.
 *
 * Optimize's import makes new copies every time and answers with their ids
 * (optimize-api.md §4.1 step 13). Those ids are this run's copies. When the
 * answer is lost, its copies are the entities that appeared since the plan's
 * listing and equal what was sent (matchSent), never "whatever appeared":
 * people and other runs write to the same collection.
 */
import type {Io} from '../io.js'
import {
  adoptedCopies,
  duplicateCopies,
  emptyIds,
  matchImported,
  matchSent,
  type ImportedUnit,
  type Ids
} from '../entities/promotion-copies.js'
import {
  batchEntities,
  batchPayload,
  importBatches,
  plannedRoots
} from '../entities/promotion-import.js'
import {indexEntities, reachableReports, type EntityIndex} from '../entities/promotion-compare.js'
import type {PlanItem} from '../entities/promotion-plan.js'
import {orphansOf, removalOrder, removedRoots, type Removal} from '../entities/promotion-removal.js'
import {deleteRemovals, type Deletions} from '../optimize/deletions.js'
import {
  bodyTooLargeText,
  failureText,
  importBodyUnreadText,
  isImportBodyUnread,
  OptimizeApiError
} from '../optimize/errors.js'
import type {Entity} from '../optimize/schemas.js'
import {exportEntities, LIST_FETCH_LIMIT, truncatedListings} from '../optimize/entities.js'
import type {PlanContext} from './prepare.js'
import {
  checkVariables,
  deleteInterimCopies,
  importInterimReports,
  type InterimCopies,
  type TwoStepContext
} from './two-step.js'
import type {Settings} from '../settings.js'

export class PromotionRun {
  /** Every entity this run created, as far as it knows. */
  readonly #created: Ids = emptyIds()
  /** Ids of the collection this run has accounted for: the plan's listing and its own copies. */
  readonly #known: Ids
  /** Verified units: root in git → id of its copy. */
  readonly #units = new Map<string, ImportedUnit>()
  /** The exported copies of the verified units. */
  readonly #copies: Entity[] = []
  /** The units this run imports: plan item and root in git. */
  #planned: {item: PlanItem; root: Entity}[] = []
  importCalls = 0

  constructor(
    private readonly settings: Settings,
    private readonly io: Io,
    private readonly context: PlanContext
  ) {
    this.#known = {
      dashboards: new Set(context.target.dashboardIds),
      reports: new Set(context.target.reportIds)
    }
  }

  /** Root id in git → id of the copy that stays in the target. */
  importedIds(): Map<string, string> {
    return new Map([...this.#units].map(([rootId, unit]) => [rootId, unit.id]))
  }

  /**
   * Step 2: imports and verifies the planned units, a batch at a time;
   * throws at the first failure. Dashboards the plan marked for two steps
   * (two-step.ts) go first: their reports' interim copies, the dry run of
   * their variable filters, then their batches; the interim copies are
   * deleted once every batch is verified.
   */
  async importUnits(): Promise<void> {
    const {git, files, decisionXml, twoStep} = this.context
    this.#planned = plannedRoots(this.context.body.items, files, git)
    const roots = this.#planned.map(({root}) => root)
    const limit = {
      count: this.settings.connection?.batchSize ?? 100,
      bytes: this.settings.batchBytes
    }
    const batched = (selected: Entity[]): ReturnType<typeof importBatches> =>
      importBatches(selected, git, decisionXml, limit)
    const first = batched(roots.filter(r => twoStep.has(r.id)))
    const rest = batched(roots.filter(r => !twoStep.has(r.id)))
    for (const {root, bytes} of [...first.oversized, ...rest.oversized])
      this.io.warning(
        `'${root.name}' with its reports is ${bytes} bytes, more than 'batch-bytes' allows: it is imported alone, and a proxy that caps request bodies may refuse it`
      )
    let interim: InterimCopies = {ids: new Map(), copies: new Set()}
    if (first.batches.length > 0) {
      const steps: TwoStepContext = {
        ...this.context,
        importEntities: async sent => this.importEntities(sent)
      }
      interim = await this.io.group(
        `Importing the reports of ${first.batches.flat().length} dashboards with variable filters first`,
        async () => importInterimReports(steps, first.batches)
      )
      await this.io.group('Dry run of their variable filters', async () =>
        checkVariables(steps, first.batches, interim)
      )
    }
    const batches = [
      ...first.batches.map(batch => ({batch, ids: interim.ids})),
      ...rest.batches.map(batch => ({batch, ids: new Map<string, string>()}))
    ]
    for (const [index, {batch, ids}] of batches.entries()) {
      const label = `batch ${index + 1} of ${batches.length}`
      await this.io.group(`Importing ${batch.length} units (${label})`, async () => {
        const copies = await this.importEntities(batchEntities(batch, git), ids)
        const {entities: exported} = await exportEntities(
          this.context.client,
          [...copies.dashboards],
          [...copies.reports]
        )
        const match = matchImported(batch, git, indexEntities(exported))
        if (match.problems.length > 0)
          throw new Error(`verification failed: ${match.problems.join('; ')}`)
        for (const root of batch) {
          const id = match.ids.get(root.id)
          if (id) this.#units.set(root.id, {root, id})
        }
        this.#copies.push(...exported)
        this.io.info(
          `${label}: ${copies.dashboards.size + copies.reports.size} entities imported, ${match.ids.size} units verified`
        )
      })
    }
    if (interim.copies.size > 0) await this.deleteInterim(interim.copies)
  }

  /**
   * One import call of `sent` (entities of the files), its reports under the
   * ids of `ids` where given; its copies are recorded before anything else
   * can fail.
   */
  private async importEntities(
    sent: readonly Entity[],
    ids: ReadonlyMap<string, string> = new Map()
  ): Promise<Ids> {
    const {client, collectionId, decisionXml} = this.context
    this.importCalls++
    let answer
    try {
      answer = await client.importEntities(collectionId, batchPayload(sent, decisionXml, ids))
    } catch (error) {
      // Optimize validates a whole import before it writes (optimize-api.md §4.1
      // step 12): a 4xx answer wrote nothing. After a 5xx, a lost connection or
      // a broken answer, some or all of it may be written (writes are not transactional).
      if (isImportBodyUnread(error))
        throw new Error(importBodyUnreadText(error, sent.length), {cause: error})
      if (error instanceof OptimizeApiError && error.status === 413)
        throw new Error(bodyTooLargeText(error, sent.length, this.settings.batchBytes), {
          cause: error
        })
      if (wroteNothing(error)) throw error
      try {
        // What of `sent` is in the collection now although no answer said so.
        const fresh = indexEntities(await this.freshEntities())
        this.record(matchSent(sent, this.context.git, fresh))
      } catch (lookup) {
        throw new Error(
          `${failureText(error)}; what it may have written could not be looked for: ${failureText(lookup)}`,
          {cause: lookup}
        )
      }
      throw error
    }
    const copies = emptyIds()
    // Optimize 3.7 answers ids without a type: the listing tells which are dashboards.
    const untyped = answer.some(entry => entry.entityType === undefined)
    const dashboards = untyped
      ? new Set(await client.listDashboardIds(collectionId))
      : new Set<string>()
    for (const {id, entityType} of answer) {
      const isDashboard = entityType ? entityType === 'dashboard' : dashboards.has(id)
      ;(isDashboard ? copies.dashboards : copies.reports).add(id)
    }
    this.record(copies)
    return copies
  }

  /** The interim copies of a two-step import (two-step.ts), once every batch is verified. */
  private async deleteInterim(copies: ReadonlySet<string>): Promise<void> {
    const {deleted, failed} = await deleteInterimCopies(this.context.client, copies)
    for (const id of deleted) this.#created.reports.delete(id)
    this.io.info(`deleted ${deleted.length} of ${copies.size} interim report copies`)
    if (failed.length > 0)
      this.io.warning(
        `${failed.length} interim report copies could not be deleted (${failed.join('; ')}); they are on no dashboard, and the next plan deletes them as leftovers`
      )
  }

  private record(ids: Ids): void {
    for (const id of ids.dashboards) this.#created.dashboards.add(id)
    for (const id of ids.reports) this.#created.reports.add(id)
    for (const id of ids.dashboards) this.#known.dashboards.add(id)
    for (const id of ids.reports) this.#known.reports.add(id)
  }

  /**
   * The entities of the collection now, but for the ids of `known`; by
   * default those this run has not accounted for: made meanwhile by people
   * or other runs, or by this run's lost answer.
   */
  private async freshEntities(known: Ids = this.#known): Promise<Entity[]> {
    const {client, collectionId} = this.context
    // An entity may be deleted between the listing and the export (404): list again.
    for (let attempt = 1; ; attempt++) {
      const [dashboards, reports] = await Promise.all([
        client.listDashboardIds(collectionId),
        client.listReportIds(collectionId)
      ])
      const cut = truncatedListings(dashboards, reports)
      if (cut.length > 0)
        this.io.warning(
          `The collection lists exactly ${LIST_FETCH_LIMIT} ${cut.join(' and ')}, where Optimize stops a listing: copies beyond it cannot be found, and stay until a plan can see them.`
        )
      const newDashboards = dashboards.filter(id => !known.dashboards.has(id))
      const newReports = reports.filter(id => !known.reports.has(id))
      try {
        return (await exportEntities(client, newDashboards, newReports)).entities
      } catch (error) {
        if (attempt >= 3 || !(error instanceof OptimizeApiError) || error.status !== 404)
          throw error
      }
    }
  }

  /**
   * Step 3: deletes what this run created, dashboards first. Best effort;
   * returns what to tell the user. A copy stays in one case: its unit's old
   * versions are gone (another run, done before this one failed, deleted
   * them once it had verified this copy as the one both keep) and no other
   * copy equals the file: deleting it would lose the dashboard.
   */
  async rollBack(): Promise<string[]> {
    const notes: string[] = []
    const total = this.#created.dashboards.size + this.#created.reports.size
    if (total === 0) return ['nothing was written']
    let kept = new Set<string>()
    try {
      kept = await this.adoptedCopies()
    } catch (error) {
      notes.push(`could not check the collection before taking back: ${failureText(error)}`)
    }
    const doomed: Ids = {
      dashboards: new Set([...this.#created.dashboards].filter(id => !kept.has(id))),
      reports: new Set([...this.#created.reports].filter(id => !kept.has(id)))
    }
    const keptRoots = [...this.#created.dashboards].filter(id => kept.has(id))
    if (keptRoots.length > 0)
      notes.push(
        `kept ${keptRoots.length} new dashboards (${keptRoots.join(', ')}): another run importing the same files replaced the old versions with them`
      )
    // Dashboards first: a report deleted before its dashboard would change the dashboard.
    const removals = (kind: 'dashboard' | 'report', ids: Set<string>): Removal[] =>
      [...ids].sort().map(id => ({root: {kind, id, name: id}, reports: []}))
    const {client} = this.context
    const failed = [
      ...(await deleteRemovals(client, removals('dashboard', doomed.dashboards))).failed,
      ...(await deleteRemovals(client, removals('report', doomed.reports))).failed
    ]
    const deleted = doomed.dashboards.size + doomed.reports.size - failed.length
    this.io.info(`rolled back: deleted ${deleted} of the ${total} entities this run created`)
    if (failed.length === 0)
      return [...notes, `the ${deleted} entities this run had created were deleted again`]
    return [
      ...notes,
      `${failed.length} of the entities this run created could not be deleted (${failed.join('; ')}); the next run's plan finds them as copies of what it keeps and deletes them`
    ]
  }

  /** This run's copies of units whose old versions are gone and that have no other equal copy. */
  private async adoptedCopies(): Promise<Set<string>> {
    const replacing = this.#planned.filter(({item}) => item.action === 'replace')
    if (replacing.length === 0) return new Set()
    const {client, collectionId, git, target} = this.context
    const [dashboardIds, reportIds] = await Promise.all([
      client.listDashboardIds(collectionId),
      client.listReportIds(collectionId)
    ])
    // A listing Optimize may have cut short cannot tell that an old version is gone.
    const cut = truncatedListings(dashboardIds, reportIds)
    if (cut.length > 0) {
      this.io.warning(
        `The collection lists exactly ${LIST_FETCH_LIMIT} ${cut.join(' and ')}, where Optimize stops a listing: the rollback does not rely on it and deletes every copy this run made.`
      )
      return new Set()
    }
    const listed = new Set([...dashboardIds, ...reportIds])
    const orphaned = replacing
      .filter(({item}) => item.targetIds.every(id => !listed.has(id)))
      .map(({root}) => root)
    if (orphaned.length === 0) return new Set()
    // Every copy made since the plan's listing, this run's and others'.
    const sincePlan = {
      dashboards: new Set(target.dashboardIds),
      reports: new Set(target.reportIds)
    }
    const copies = indexEntities(await this.freshEntities(sincePlan))
    const kept = adoptedCopies(orphaned, git, copies, this.#created)
    const reports = reachableReports(
      [...copies.dashboards, ...copies.reports.values()].filter(e => kept.has(e.id)),
      copies.reports
    )
    return new Set([...kept, ...reports])
  }

  /** Step 4: the old versions the plan replaces, its leftovers and prune deletions. */
  async deleteOldVersions(): Promise<Deletions> {
    const {body, target} = this.context
    const removals = removalOrder(removedRoots(body), target.index, body.orphanedReports)
    if (removals.length === 0) return {dashboards: 0, reports: 0, failed: []}
    const reports = removals.reduce(
      (n, r) => n + r.reports.length + (r.root.kind === 'report' ? 1 : 0),
      0
    )
    const dashboards = removals.filter(r => r.root.kind === 'dashboard').length
    return this.io.group(`Deleting ${dashboards} old dashboards and ${reports} reports`, async () =>
      deleteRemovals(this.context.client, removals)
    )
  }

  /**
   * Step 5: runs that imported the same files meanwhile made copies of the
   * same units. Of the copies that equal a unit's file every run keeps the
   * smallest id and deletes the others, with the reports only they used.
   */
  async converge(): Promise<{notes: string[]; failed: string[]}> {
    if (this.#units.size === 0) return {notes: [], failed: []}
    let fresh: Entity[]
    try {
      fresh = await this.freshEntities()
    } catch (error) {
      // Only a run importing the same files at the same time makes copies, and it converges too.
      const note = `could not look for copies another run importing at the same time may have made: ${failureText(error)}; the next plan finds any and deletes them`
      this.io.warning(note)
      return {notes: [note], failed: []}
    }
    if (fresh.length === 0) return {notes: [], failed: []}
    const freshIndex = indexEntities(fresh)
    const {keep, remove} = duplicateCopies([...this.#units.values()], this.context.git, freshIndex)
    if (remove.length === 0) return {notes: [], failed: []}
    for (const [rootId, id] of keep) {
      const unit = this.#units.get(rootId)
      if (unit) this.#units.set(rootId, {...unit, id})
    }
    const pool: EntityIndex = indexEntities([...this.#copies, ...fresh])
    const listed = new Set(pool.reports.keys())
    const orphans = orphansOf(new Set(remove.map(r => r.id)), pool, listed)
    const removals = removalOrder(remove, pool, orphans)
    const result = await this.io.group(
      `Deleting ${remove.length} copies another run made`,
      async () => deleteRemovals(this.context.client, removals)
    )
    return {
      notes: [
        `another run imported the same units meanwhile: kept one copy of each, deleted ${remove.length} others`
      ],
      failed: result.failed
    }
  }
}

function wroteNothing(error: unknown): boolean {
  return (
    error instanceof OptimizeApiError &&
    error.kind === 'http' &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500
  )
}
