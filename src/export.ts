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
import {layoutTree, type DashboardExtras, type EntityTree} from './entities/layout.js'
import {compareStrings, normalizeEntity} from './entities/normalize.js'
import type {Io} from './io.js'
import {OptimizeClient} from './optimize/client.js'
import {
  EntitySchema,
  isDashboard,
  tileReportIds,
  type Dashboard,
  type Entity,
  type Report
} from './optimize/schemas.js'
import type {Settings} from './settings.js'
import {readEntityTree, writeManagedFiles} from './workspace.js'

export interface ExportOutcome {
  result: CommandResult
  before: EntityTree
  after: EntityTree
  /** Changed or removed paths, relative to the workspace. */
  changedFiles: string[]
}

export interface ExportHooks {
  client?: OptimizeClient
  /** Extra files per dashboard (its SVG picture). */
  dashboardExtras?: DashboardExtras
  /** Markdown describing the change, for the summary and the pull request. */
  describeChanges?: (before: EntityTree, after: EntityTree) => string
}

export async function runExport(
  settings: Settings,
  io: Io,
  hooks: ExportHooks = {}
): Promise<ExportOutcome> {
  if (!settings.connection) throw new Error('export needs a connection to Optimize.')
  const client = hooks.client ?? OptimizeClient.create(settings.connection, io)

  const entities = await io.group('Fetching dashboards and reports', async () =>
    fetchSelection(settings, client, io)
  )
  const after = toTree(entities)
  io.info(
    `Fetched ${after.dashboards.length} dashboards and ${after.reports.length} reports in ${client.requestCount} requests`
  )

  const {before, written, previousManifest} = await io.group(
    'Reading the current files',
    async () => {
      const loaded = await readEntityTree(settings.path)
      return {before: loaded.tree, written: loaded, previousManifest: loaded.manifest}
    }
  )
  for (const problem of written.problems) {
    io.debug(`existing file ${problem.file}: ${problem.message} (it will be replaced)`)
  }

  const files = layoutTree(after, hooks.dashboardExtras)
  const result = await io.group(
    `Writing ${files.length} files to ${settings.relativePath}`,
    async () => writeManagedFiles(settings.path, files, previousManifest)
  )
  const toWorkspace = (file: string): string => path.posix.join(settings.relativePath, file)
  const changedFiles = [...result.changed, ...result.removed].map(toWorkspace).sort(compareStrings)
  for (const file of result.changed) io.info(`wrote ${toWorkspace(file)}`)
  for (const file of result.removed) io.info(`removed ${toWorkspace(file)}`)

  const changes =
    hooks.describeChanges?.(before, after) ?? describeFileChanges(result.changed, result.removed)
  const summary = [
    `## Optimize export`,
    ``,
    `Exported **${after.dashboards.length}** dashboards and **${after.reports.length}** reports into \`${settings.relativePath}\`.`,
    ``,
    changedFiles.length ? changes : 'Nothing changed: the files already match Optimize.',
    ``,
    exportedTable(after)
  ].join('\n')

  return {
    before,
    after,
    changedFiles,
    result: {
      outputs: {
        [Output.Changed]: String(changedFiles.length > 0),
        [Output.Files]: JSON.stringify(result.files.map(toWorkspace)),
        [Output.Summary]: summary
      },
      summary
    }
  }
}

/** Fetches the selection: listed dashboards and reports, or a collection's. */
async function fetchSelection(
  settings: Settings,
  client: OptimizeClient,
  io: Io
): Promise<Entity[]> {
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

  const entities = parseEntities(
    dashboardIds.length ? await client.exportDashboards(dashboardIds) : []
  )
  const have = new Set(entities.map(e => e.id))
  const onDashboards = new Set(entities.filter(isDashboard).flatMap(tileReportIds))
  // A collection's reports that sit on no dashboard are exported as standalone reports.
  const standalone = collectionReportIds.filter(id => !onDashboards.has(id))
  const missing = [...reportIds, ...standalone].filter(
    (id, i, all) => !have.has(id) && all.indexOf(id) === i
  )
  if (missing.length) entities.push(...parseEntities(await client.exportReports(missing)))
  return entities
}

function parseEntities(raw: unknown[]): Entity[] {
  return raw.map((item, index) => {
    const result = EntitySchema.safeParse(item)
    if (!result.success) {
      const id = typeof item === 'object' && item && 'id' in item ? String(item.id) : `#${index}`
      throw new Error(
        `Optimize returned an entity that is not a valid export (id ${id}): ${z.prettifyError(result.error)}`
      )
    }
    return result.data
  })
}

/** Normalized entities, one per id (a report on two dashboards is exported twice). */
export function toTree(entities: readonly Entity[]): EntityTree {
  const byId = new Map<string, Entity>()
  for (const entity of entities) byId.set(`${isDashboard(entity) ? 'd' : 'r'}:${entity.id}`, entity)
  const tree: EntityTree = {dashboards: [], reports: []}
  for (const entity of byId.values()) {
    if (isDashboard(entity)) tree.dashboards.push(normalizeEntity<Dashboard>(entity))
    else tree.reports.push(normalizeEntity<Report>(entity))
  }
  tree.dashboards.sort((a, b) => compareStrings(a.entity.id, b.entity.id))
  tree.reports.sort((a, b) => compareStrings(a.entity.id, b.entity.id))
  return tree
}

function describeFileChanges(changed: string[], removed: string[]): string {
  const lines = [...changed.map(f => `- wrote \`${f}\``), ...removed.map(f => `- removed \`${f}\``)]
  return ['### Changed files', '', ...lines].join('\n')
}

function exportedTable(tree: EntityTree): string {
  if (!tree.dashboards.length) return ''
  const rows = tree.dashboards
    .map(({entity}) => entity)
    .sort((a, b) => compareStrings(a.name, b.name) || compareStrings(a.id, b.id))
    .map(d => `| ${escapeCell(d.name)} | ${tileReportIds(d).length} | \`${d.id}\` |`)
  return ['| Dashboard | Reports | ID |', '| --- | --- | --- |', ...rows].join('\n')
}

function escapeCell(text: string): string {
  // Names are data: keep them from breaking the table or injecting Markdown/HTML.
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '')
      .replace(/[|\\`*_[\]<>]/g, c => `\\${c}`)
  )
}
