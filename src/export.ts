/**
 * `export`: the listed dashboards (or a whole collection) with all their
 * reports, through the bulk export endpoints, into normalized files.
 *
 * Few calls: IDs go to the bulk endpoints in batches, never one call per
 * dashboard. Nothing is written until every entity has been fetched and
 * checked, so a failed run leaves the folder as it was.
 */
import * as path from 'node:path'
import {z} from 'zod'
import type {CommandResult} from './command.js'
import {Output} from './constants.js'
import {renderDashboardSvg} from './entities/dashboard-svg.js'
import {ExportDecoder} from './entities/export-text.js'
import {
  layoutTree,
  type DashboardExtras,
  type EntityTree,
  type ManagedFile
} from './entities/layout.js'
import {compareStrings, normalizeEntity, type NormalizedEntity} from './entities/normalize.js'
import {
  escapeMarkdown,
  hasChanges,
  renderSummaryMarkdown,
  summarizeChanges
} from './github/summary.js'
import type {Io} from './io.js'
import {OptimizeClient, type BatchOptions} from './optimize/client.js'
import {
  EntitySchema,
  isDashboard,
  tileReportIds,
  type Dashboard,
  type Report
} from './optimize/schemas.js'
import type {Settings} from './settings.js'
import {parseEntityTree, readTreeTexts, type KnownEntity} from './workspace/read.js'
import {writeManagedFiles} from './workspace/write.js'

export interface ExportOutcome {
  result: CommandResult
  before: EntityTree
  after: EntityTree
  /** Changed or removed paths, relative to the workspace. */
  changedFiles: string[]
}

export interface ExportHooks {
  client?: OptimizeClient
}

/**
 * Beside each dashboard's JSON: a picture of its tile grid, so GitHub's image
 * diff shows layout changes.
 */
function dashboardPictures(tree: EntityTree): DashboardExtras {
  const reportsById = new Map(tree.reports.map(({entity}) => [entity.id, entity]))
  const pictures = new Map(
    tree.dashboards.map(({entity}) => [entity, renderDashboardSvg(entity, reportsById)])
  )
  return (dashboard, reports) => [
    {extension: 'svg', content: pictures.get(dashboard) ?? renderDashboardSvg(dashboard, reports)}
  ]
}

/** Markdown budget of the summary: a pull-request body holds 65,536 characters. */
const SUMMARY_BUDGET = 60_000

export async function runExport(
  settings: Settings,
  io: Io,
  hooks: ExportHooks = {}
): Promise<ExportOutcome> {
  if (!settings.connection) throw new Error('export needs a connection to Optimize.')
  const client = hooks.client ?? OptimizeClient.create(settings.connection, io)

  // The files git holds now are read while Optimize prepares the export.
  const [fetched, read] = await io.group('Fetching dashboards and reports', async () =>
    Promise.all([fetchSelection(settings, client, io), readTreeTexts(settings.path)])
  )
  const after = toTree(fetched)
  const pictures = dashboardPictures(after)
  const files = layoutTree(after, pictures)
  // What git holds (the "before" of the change summary): a file that holds
  // what this export writes holds the same entity, unparsed.
  const current = parseEntityTree(read, unchangedEntity(files))
  io.info(
    `Fetched ${after.dashboards.length} dashboards and ${after.reports.length} reports in ${client.requestCount} requests; read ${read.files.length} current files`
  )
  for (const problem of current.problems) {
    io.debug(`existing file ${problem.file}: ${problem.message} (it will be replaced)`)
  }
  const before = current.tree

  const written = await io.group(
    `Writing ${files.length} files to ${settings.relativePath}`,
    async () => writeManagedFiles(settings.path, files, current.manifest, current.texts)
  )
  // Each of thousands of paths is asked for up to three times: joined once.
  const inWorkspace = new Map<string, string>()
  const toWorkspace = (file: string): string => {
    let joined = inWorkspace.get(file)
    if (joined === undefined) {
      joined = path.posix.join(settings.relativePath, file)
      inWorkspace.set(file, joined)
    }
    return joined
  }
  const changedFiles = [...written.changed, ...written.removed]
    .map(toWorkspace)
    .sort(compareStrings)
  for (const file of written.changed) io.info(`wrote ${toWorkspace(file)}`)
  for (const file of written.removed) io.info(`removed ${toWorkspace(file)}`)

  const summary = exportSummary(settings, before, after)(changedFiles.length > 0)
  return {
    before,
    after,
    changedFiles,
    result: {
      outputs: {
        [Output.Changed]: String(changedFiles.length > 0),
        [Output.Files]: JSON.stringify(written.files.map(toWorkspace)),
        [Output.Summary]: summary
      },
      summary
    }
  }
}

/** The job summary, but for whether any file changed, which only writing tells. */
function exportSummary(
  settings: Settings,
  before: EntityTree,
  after: EntityTree
): (filesChanged: boolean) => string {
  const table = exportedTable(after)
  const changeSummary = summarizeChanges(before, after)
  const listed = hasChanges(changeSummary)
    ? renderSummaryMarkdown(changeSummary, {
        title: 'What changed',
        maxLength: SUMMARY_BUDGET - table.length - 500
      })
    : undefined
  return filesChanged => {
    let changes = listed ?? 'Nothing changed: the files already match Optimize.'
    if (!listed && filesChanged)
      changes = 'The files changed, but no dashboard or report did (file format or layout only).'
    return [
      '## Optimize export',
      '',
      `Exported **${after.dashboards.length}** dashboards and **${after.reports.length}** reports into \`${settings.relativePath}\`.`,
      '',
      changes.trimEnd(),
      '',
      table
    ].join('\n')
  }
}

/**
 * Fetches the selection (listed dashboards and reports, or a collection's),
 * each entity checked and normalized as soon as its bytes are in (see
 * exportBatches), while the rest of the batches are still on their way.
 */
async function fetchSelection(
  settings: Settings,
  client: OptimizeClient,
  io: Io
): Promise<NormalizedEntity[]> {
  const batches = exportBatches()
  const dashboardIds = [...settings.dashboardIds]
  const reportIds = [...settings.reportIds]
  let collectionReportIds: string[] = []
  if (settings.collectionId) {
    const [dashboards, reports] = await Promise.all([
      client.listDashboardIds(settings.collectionId),
      client.listReportIds(settings.collectionId)
    ])
    io.info(
      `Collection ${settings.collectionId} has ${dashboards.length} dashboards and ${reports.length} reports`
    )
    if (!dashboards.length && !reports.length) {
      io.warning(
        `Collection '${settings.collectionId}' is empty or does not exist (Optimize answers both the same way).`
      )
    }
    dashboardIds.push(...dashboards.filter(id => !dashboardIds.includes(id)))
    collectionReportIds = reports
  }

  const entities = dashboardIds.length ? await client.exportDashboards(dashboardIds, batches) : []
  const have = new Set(entities.map(({entity}) => entity.id))
  const onDashboards = new Set(
    entities.flatMap(({entity}) => (isDashboard(entity) ? tileReportIds(entity) : []))
  )
  // A collection's reports that sit on no dashboard are exported as standalone reports.
  const standalone = collectionReportIds.filter(id => !onDashboards.has(id))
  const missing = [...reportIds, ...standalone].filter(
    (id, i, all) => !have.has(id) && all.indexOf(id) === i
  )
  if (missing.length) entities.push(...(await client.exportReports(missing, batches)))
  return entities
}

/**
 * How export reads its batches: each entity as soon as its bytes are in,
 * while the rest of its batch is still arriving, without building the process
 * XML it drops anyway (entities/export-text.ts); checked against the entity
 * schemas and normalized.
 */
function exportBatches(): BatchOptions<NormalizedEntity> {
  return {
    decoder: () => new ExportDecoder(),
    each: (value, index) => {
      const result = EntitySchema.safeParse(value)
      if (!result.success) {
        const id =
          typeof value === 'object' && value && 'id' in value ? String(value.id) : `#${index}`
        throw new Error(
          `Optimize returned an entity that is not a valid export (id ${id}): ${z.prettifyError(result.error)}`
        )
      }
      return normalizeEntity(result.data)
    }
  }
}

/** The entity of a current file whose text (and .dmn file) are just what `files` holds for it. */
function unchangedEntity(files: readonly ManagedFile[]): KnownEntity {
  const byPath = new Map(files.map(file => [file.path, file]))
  return (file, text, sidecar) => {
    const next = byPath.get(file)
    if (!next?.entity || next.content !== text) return undefined
    return byPath.get(file.replace(/\.json$/, '.dmn'))?.content === sidecar
      ? next.entity
      : undefined
  }
}

/** Normalized entities, one per id (a report on two dashboards is exported twice). */
export function toTree(entities: readonly NormalizedEntity[]): EntityTree {
  const byId = new Map<string, NormalizedEntity>()
  for (const normalized of entities) {
    const {entity} = normalized
    byId.set(`${isDashboard(entity) ? 'd' : 'r'}:${entity.id}`, normalized)
  }
  const tree: EntityTree = {dashboards: [], reports: []}
  for (const normalized of byId.values()) {
    if (isDashboard(normalized.entity))
      tree.dashboards.push(normalized as NormalizedEntity<Dashboard>)
    else tree.reports.push(normalized as NormalizedEntity<Report>)
  }
  tree.dashboards.sort((a, b) => compareStrings(a.entity.id, b.entity.id))
  tree.reports.sort((a, b) => compareStrings(a.entity.id, b.entity.id))
  return tree
}

function exportedTable(tree: EntityTree): string {
  if (!tree.dashboards.length) return ''
  const rows = tree.dashboards
    .map(({entity}) => entity)
    .sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id))
    .map(d => `| ${escapeMarkdown(d.name)} | ${tileReportIds(d).length} | \`${d.id}\` |`)
  return ['| Dashboard | Reports | ID |', '| --- | --- | --- |', ...rows].join('\n')
}
