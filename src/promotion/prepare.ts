/**
 * The plan of a promotion, shared by the `plan` and `import` commands: what a
 * release would do to the target collection, without writing to it.
 *
 * Prerequisites first (the files are valid, the credentials work, the
 * collection exists, the index versions match, the definitions exist, and
 * with manage-collection what the collection itself needs: collection.ts), then
 * one plan item per dashboard and standalone report: create, replace (with
 * what differs), unchanged, or delete, and the bound on deletions, and last a
 * dry run of the import that the target validates and refuses by design
 * (dry-run-check.ts). Written as plan.json (canonical, deterministic) and as
 * Markdown. `import` writes nothing unless every prerequisite passed.
 *
 */
import {planBasis} from '../entities/plan-approval.js'
import {Fingerprinter, indexEntities, type EntityIndex} from '../entities/promotion-compare.js'
import {definitionNeeds, scopeProblems} from '../entities/promotion-definitions.js'
import {expectedDashboardIndex, targetIndexVersions} from '../entities/index-versions.js'
import {describeFilters, variableFilters} from '../entities/promotion-dry-run.js'
import {plannedRoots} from '../entities/promotion-import.js'
import {renderPlanMarkdown} from '../entities/promotion-markdown.js'
import {
  deletionCheck,
  planDocument,
  type PlanBasis,
  type PlanCollection,
  type PlanDocument,
  type PlanTarget,
  type Prerequisite
} from '../entities/plan-document.js'
import {computePlan, type PlanBody} from '../entities/promotion-plan.js'
import {driftCheck} from '../entities/drift.js'
import type {Io} from '../io.js'
import {OptimizeClient} from '../optimize/client.js'
import type {TargetContent} from '../optimize/entities.js'
import {isDashboard, type Entity} from '../optimize/schemas.js'
import {
  changesCollection,
  planCollection,
  readTarget,
  unresolvedCheck,
  wantedSources
} from './collection.js'
import {dryRunCheck} from './dry-run-check.js'
import type {LastImport} from '../github/import-record.js'
import {readLastImport} from './last-import.js'
import {applyEnvironment} from '../entities/environment-mapping.js'
import {EnvironmentValues} from '../entities/environment-values.js'
import {environmentMapping} from '../workspace/config.js'
import {
  collectionCheck,
  connectionFailure,
  definitionsCheck,
  indexVersionCheck,
  listingCheck
} from './target-checks.js'
import type {Settings} from '../settings.js'
import {validateTree, workspaceFile} from '../validate.js'
import {checkDesiredState} from '../workspace/check.js'

export interface PlanOutcome {
  document: PlanDocument
  markdown: string
  /** Every prerequisite passed: `import` may write. */
  ok: boolean
  /** What `import` needs, when the plan got that far. */
  context?: PlanContext
}

export interface PlanContext {
  client: OptimizeClient
  /** '' for a collection import creates (PlanDocument.collection). */
  collectionId: string
  git: EntityIndex
  /** Entity id → file, relative to `path`. */
  files: Map<string, string>
  /** Decision XML of the git reports, by id. */
  decisionXml: Map<string, string | undefined>
  target: TargetContent
  body: PlanBody
  /** Dashboards (ids in the files) import brings in two steps (promotion/two-step.ts). */
  twoStep: ReadonlySet<string>
  /** Fingerprints of the files' entities, as the plan compared them. */
  gitPrints: Fingerprinter
  /** The record of the last import into the target; none for a collection import creates. */
  lastImport?: LastImport
}

export async function preparePlan(settings: Settings, io: Io): Promise<PlanOutcome> {
  if (!settings.connection || !(settings.collectionId || settings.collectionName))
    throw new Error('plan needs a connection to Optimize and a target collection.')
  // Before anything is read from Optimize: a missing or invalid environment stops the run.
  const mapping = environmentMapping(settings)
  const prerequisites: Prerequisite[] = []
  const target: PlanTarget = {
    optimizeUrl: settings.connection.baseUrl,
    collectionId: settings.collectionId ?? null,
    ...(settings.collectionName ? {collectionName: settings.collectionName} : {}),
    prune: settings.prune,
    ...(mapping ? {environment: {name: mapping.name, mappings: []}} : {})
  }
  let collection: PlanCollection | undefined
  const finish = async (context?: PlanContext, basis?: PlanBasis): Promise<PlanOutcome> => {
    const document = planDocument(target, prerequisites, context?.body, basis, collection)
    await io.group('Prerequisites', async () => {
      for (const p of prerequisites) {
        if (p.status === 'failed') io.error(`${p.check}: ${p.message}`)
        else if (p.status === 'warning') io.warning(`${p.check}: ${p.message}`)
        else io.info(`${p.check}: ${p.message}`)
      }
    })
    return {
      document,
      markdown: renderPlanMarkdown(document),
      ok: !prerequisites.some(p => p.status === 'failed'),
      context
    }
  }

  checkDesiredState(settings, io)
  // The target is read while the files are checked: both are read-only.
  const optimize = OptimizeClient.create(settings.connection, io)
  const reading = readTarget(settings, optimize).catch((error: unknown) => ({error}))

  // 1. The files, offline.
  const validated = await io.group(`Validating ${settings.relativePath}`, async () =>
    validateTree(settings, io)
  )
  const problems = validated.problems
  if (problems.length > 0) {
    await reading
    const first = problems[0]
    prerequisites.push({
      check: 'files',
      status: 'failed',
      message: `${problems.length} problems in ${settings.relativePath}, e.g. ${workspaceFile(settings, first.file)}${first.line ? `:${first.line}` : ''}: ${first.message}`
    })
    return finish()
  }
  // From here on the files are the desired state of the target: with `environment`, mapped.
  const mapped = mapping ? applyEnvironment(validated.loaded, mapping) : undefined
  if (mapping && mapped) target.environment = {name: mapping.name, mappings: mapped.applied}
  let loaded = mapped?.loaded ?? validated.loaded
  let entities: Entity[] = loaded.files.map(f => f.entity)
  // With `environment`: the origins of the values the reports use in the target, for the checks' messages.
  const values =
    mapping &&
    new EnvironmentValues(mapping, validated.loaded.files, settings.config.relative, file =>
      workspaceFile(settings, file)
    )
  prerequisites.push({
    check: 'files',
    status: 'ok',
    message: `${loaded.tree.dashboards.length} dashboards and ${loaded.tree.reports.length} reports in ${settings.relativePath} are valid`
  })

  // 2. Credentials, collection and content of the target, read-only.
  const named = settings.collectionId ?? `'${settings.collectionName}'`
  const read = await io.group(`Reading collection ${named}`, async () => reading)
  if ('error' in read) {
    prerequisites.push(connectionFailure(read.error, settings.connection.baseUrl))
    return finish()
  }
  prerequisites.push({
    check: 'credentials',
    status: 'ok',
    message: `Optimize at ${settings.connection.baseUrl} accepted them`
  })
  const resolved = read.target
  const wanted = settings.manageCollection ? wantedSources(loaded) : []
  if (resolved.kind === 'unresolved' || !read.content) {
    if (resolved.kind === 'unresolved') prerequisites.push(unresolvedCheck(resolved, wanted))
    return finish()
  }
  const content = read.content
  const collectionId = resolved.kind === 'id' ? resolved.id : ''
  if (resolved.kind === 'id') {
    target.collectionId = resolved.id
    prerequisites.push(await collectionCheck(optimize, collectionId, content))
  }
  const listing = listingCheck(content, settings.prune)
  if (listing) prerequisites.push(listing)
  if (content.dangling.length > 0)
    prerequisites.push({
      check: 'target dashboards',
      status: 'warning',
      message: `${content.dangling.length} dashboards of the target cannot be exported, because a tile references a report that no longer exists (${content.dangling.join(', ')}): the plan cannot see them, so one with a name in git is created beside it. Remove the broken tiles in Optimize`
    })

  // 3. Index versions: the target's, against the files'.
  const index = targetIndexVersions(content.entities, settings.optimizeVersion)
  prerequisites.push(indexVersionCheck(index, entities))

  // 4. Definitions: in the collection's data sources (added first with manage-collection), and in the engine.
  const needs = definitionNeeds(loaded.tree.reports.map(r => r.entity))
  if (settings.manageCollection) {
    const planned = await planCollection(settings, optimize, resolved, content, wanted)
    collection = planned.part
    if (planned.prerequisite) prerequisites.push(planned.prerequisite)
  } else if (content.collection) {
    const scope = scopeProblems(content.collection, needs, values)
    if (scope) prerequisites.push(scope)
  }
  const checked = await definitionsCheck(settings, optimize, loaded, values)
  prerequisites.push(checked.prerequisite)
  // From here on the reports as sent: with the environment's version policy applied.
  loaded = checked.loaded
  entities = loaded.files.map(f => f.entity)
  if (target.environment) target.environment.mappings.push(...checked.applied)

  // 5. The plan itself, the bound on what it may delete, and drift since the last import.
  const lastImport = collectionId
    ? await io.group('Reading the record of the last import', async () =>
        readLastImport(settings, collectionId, io)
      )
    : undefined
  const git = indexEntities(entities)
  const files = new Map(loaded.files.map(f => [f.entity.id, f.file]))
  const targetPrints = new Fingerprinter(content.index)
  const gitPrints = new Fingerprinter(git)
  const body = computePlan({
    git,
    files,
    target: content.index,
    targetReportIds: new Set(content.reportIds),
    prune: settings.prune,
    targetPrints,
    gitPrints,
    ...(lastImport?.record
      ? {lastImport: {record: lastImport.record, onDrift: settings.onDrift}}
      : {})
  })
  prerequisites.push(deletionCheck(body, content.index.dashboards.length, settings.maxDeletions))
  prerequisites.push(driftCheck(body.items, lastImport, settings.onDrift))
  const decisionXml = new Map(loaded.files.map(f => [f.entity.id, f.decisionXml]))

  // 6. A dry run of the import, when there is something to import and nothing failed yet.
  let twoStep = new Set<string>()
  const roots = plannedRoots(body.items, files, git)
  if (roots.length > 0 && changesCollection(collection))
    prerequisites.push({
      check: 'dry run',
      status: 'skipped',
      message: `import changes the collection first (${collection?.create ? 'creates it' : 'adds data sources'}), so a dry run now would be refused for that; Optimize validates the import before it writes anything`
    })
  else if (roots.length > 0 && !prerequisites.some(p => p.status === 'failed')) {
    const checked = await io.group('Dry run of the import', async () =>
      dryRunCheck({
        client: optimize,
        collectionId,
        git,
        files,
        decisionXml,
        roots: roots.map(r => r.root),
        dashboardIndex: expectedDashboardIndex(index.versions, entities),
        limit: {count: Number.MAX_SAFE_INTEGER, bytes: settings.batchBytes}
      })
    )
    prerequisites.push(...checked.prerequisites)
    twoStep = checked.twoStep
    for (const {item, root} of roots)
      if (twoStep.has(root.id) && isDashboard(root))
        item.reasons.push(
          `its variable filters (${describeFilters(variableFilters(root))}) are checked against reports already in the target (camunda/camunda#55766): imported in two steps, its reports first`
        )
  }
  const context: PlanContext = {
    client: optimize,
    collectionId,
    git,
    files,
    decisionXml,
    target: content,
    body,
    twoStep,
    gitPrints,
    lastImport
  }
  return finish(context, planBasis(loaded.texts, content.index, targetPrints))
}
