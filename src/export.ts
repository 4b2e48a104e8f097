/**
 * `export`: the listed dashboards (or a whole collection) with all their
 * reports, through the bulk export endpoints, into normalized files.
 *
 * Nothing is written until every entity has been fetched and checked, and
 * the files are written crash-consistently (workspace/write.ts): a failed or
 * killed run leaves the folder as it was, or the next run completes it.
 * Refused before anything is written: an unknown collection, a collection
 * that lists nothing while the folder holds its entities, an entity whose
 * file would exceed validate's size limit, and two different versions of one
 * entity in Optimize's answers. A dashboard with a dangling tile fails alone:
 * its files stay as they were, and a warning names it.
 */
import * as path from 'node:path'
import type {CommandResult} from './command.js'
import {Output} from './constants.js'
import {
  COLLECTION_FILE,
  collectionFile,
  dataSourcesOf,
  type CollectionFile
} from './entities/collection-file.js'
import {MAX_ENTITY_FILE_BYTES} from './entities/json-document.js'
import {layoutTree, type EntityTree, type ManagedFile} from './entities/layout.js'
import {compareStrings, normalizeEntity, type NormalizedEntity} from './entities/normalize.js'
import {referencedIds} from './entities/promotion-compare.js'
import {dashboardPictures, markChangedTiles} from './export-pictures.js'
import {fetchSelection, type Selection} from './export-selection.js'
import {exportSummary} from './export-summary.js'
import {summarizeChanges} from './github/summary.js'
import type {Io} from './io.js'
import {OptimizeClient} from './optimize/client.js'
import {entityKey, kindOf} from './optimize/entities.js'
import {isDashboard, type Dashboard, type Report} from './optimize/schemas.js'
import type {Settings} from './settings.js'
import {checkNoLinksBetween, Folder, WorkspaceError} from './workspace/files.js'
import {recoverTree} from './workspace/journal.js'
import {
  parseEntityFile,
  parseEntityTree,
  readTreeTexts,
  type KnownEntity,
  type TreeTexts
} from './workspace/read.js'
import {writeManagedFiles} from './workspace/write.js'

export interface ExportOutcome {
  result: CommandResult
  before: EntityTree
  after: EntityTree
  /** Changed or removed paths, relative to the workspace. */
  changedFiles: string[]
}

export async function runExport(
  settings: Settings,
  io: Io,
  hooks: {client?: OptimizeClient} = {}
): Promise<ExportOutcome> {
  if (!settings.connection) throw new Error('export needs a connection to Optimize.')
  const client = hooks.client ?? OptimizeClient.create(settings.connection, io)
  checkNoLinksBetween(settings.workspace, settings.path, 'write')
  const recovered = recoverTree(settings.path)
  if (recovered) io.warning(recovered)

  // The files git holds now are read while Optimize prepares the export.
  const [selection, read] = await io.group('Fetching dashboards and reports', async () =>
    Promise.all([fetchSelection(settings, client, io), readTreeTexts(settings.path)])
  )
  if (selection.emptyCollection && read.manifest?.entities.length) {
    throw new Error(
      `Collection '${settings.collectionId}' lists nothing, but ${settings.relativePath} holds ${read.manifest.entities.length} of its dashboards and reports: nothing was written. Check the input 'collection-id'. If the collection really is empty now, delete the folder's files yourself.`
    )
  }
  const dangling = selection.danglingDashboards
  const exported = selection.entities.map(entity => normalizeEntity(entity))
  const after = toTree([...exported, ...keptUnits(dangling, read, exported)])
  const files = layoutTree(after, dashboardPictures, collectionOf(settings, selection, io))
  checkSizes(files)
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
  const changes = summarizeChanges(before, after)
  markChangedTiles(files, after, changes, file => {
    const text = readPicture(settings.path, file)
    if (text !== undefined) current.texts.set(file, text)
    return text
  })
  const names = new Map(read.manifest?.entities.map(entry => [entry.id, entry.name]))
  const problems = dangling.map(id => danglingMessage(id, names.get(id)))
  for (const problem of problems) io.warning(problem)

  const toWorkspace = (file: string): string => path.posix.join(settings.relativePath, file)
  // One line per file only in debug mode: a collection makes thousands.
  const written = await io.group(
    `Writing ${files.length} files to ${settings.relativePath}`,
    async () => {
      const outcome = await writeManagedFiles(settings.path, files, current.manifest, current.texts)
      const {changed, removed} = outcome
      for (const file of changed) io.debug(`wrote ${toWorkspace(file)}`)
      for (const file of removed) io.debug(`removed ${toWorkspace(file)}`)
      io.info(
        `${changed.length} files new or changed, ${removed.length} removed, ${files.length - changed.length} unchanged`
      )
      return outcome
    }
  )
  const touched = [...written.changed, ...written.removed]
  const changedFiles = touched.map(toWorkspace).sort(compareStrings)

  const notes = touched.includes(COLLECTION_FILE)
    ? [
        `\`${COLLECTION_FILE}\` ${written.removed.includes(COLLECTION_FILE) ? 'was removed' : 'changed'}: the collection's name or data sources.`
      ]
    : []
  const summary = exportSummary(
    settings,
    {changes, after, files},
    changedFiles.length > 0,
    problems,
    notes
  )
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

/**
 * The collection file of an export by `collection-id`: the collection's name
 * and data sources. Optimize before 8.6 has no collection endpoint: then
 * there is none, and the log says so once.
 */
function collectionOf(
  settings: Settings,
  selection: Selection,
  io: Io
): CollectionFile | undefined {
  if (!settings.collectionId) return undefined
  const sources = selection.collection ? dataSourcesOf(selection.collection) : undefined
  if (!selection.collection || !sources) {
    io.info(
      selection.collection
        ? `No ${COLLECTION_FILE} written: Optimize's answer for collection '${settings.collectionId}' has no data sources (data.scope).`
        : `No ${COLLECTION_FILE} written: this Optimize has no collection endpoint (GET /api/public/collection/${settings.collectionId} answered 404; the endpoint exists from Optimize 8.6), so the collection's data sources cannot be read.`
    )
    return undefined
  }
  return collectionFile(selection.collection.name ?? '', sources)
}

function danglingMessage(id: string, name: string | undefined): string {
  return `Dashboard ${id}${name ? ` ('${name}')` : ''} was not exported: Optimize answered 500 "Could not retrieve some reports required by this dashboard." (a tile references a report that no longer exists). Its files were left as they were. Remove the broken tile in Optimize and export again.`
}

/**
 * The entities of dashboards that could not be exported, as the folder holds
 * them: each dashboard with the reports it references that this export did
 * not bring, so the folder keeps a whole unit that validate accepts.
 */
function keptUnits(
  dangling: readonly string[],
  read: TreeTexts,
  exported: readonly NormalizedEntity[]
): NormalizedEntity[] {
  if (!dangling.length || !read.manifest) return []
  const fileOf = new Map(
    read.manifest.entities.map(e => [entityKey(kindOf({exportEntityType: e.type}), e.id), e.file])
  )
  const texts = new Map(read.files.map(entry => [entry.file, entry]))
  const have = new Set(exported.map(({entity}) => entityKey(kindOf(entity), entity.id)))
  const kept: NormalizedEntity[] = []
  const stack = dangling.map(id => entityKey('dashboard', id))
  while (stack.length) {
    const key = stack.pop() as string
    const entry = texts.get(fileOf.get(key) ?? '')
    if (have.has(key) || !entry) continue
    have.add(key)
    const parsed = parseEntityFile(entry.file, entry.text, [], entry.sidecar)
    if (!parsed) continue
    kept.push({entity: parsed.entity, decisionXml: parsed.decisionXml})
    stack.push(...referencedIds(parsed.entity).map(id => entityKey('report', id)))
  }
  return kept
}

/** Refuses, naming it, an entity whose file would exceed what validate reads. */
function checkSizes(files: readonly ManagedFile[]): void {
  for (const file of files) {
    if (!file.path.endsWith('.json') && !file.path.endsWith('.dmn')) continue
    const bytes = Buffer.byteLength(file.content)
    if (bytes <= MAX_ENTITY_FILE_BYTES) continue
    throw new Error(
      `${file.path} would be ${bytes} bytes, over the limit of ${MAX_ENTITY_FILE_BYTES} bytes that validate and import apply to entity files; nothing was written. Make the ${file.path.startsWith('dashboards/') ? 'dashboard' : 'report'} smaller in Optimize.`
    )
  }
}

/** A picture of the folder as git holds it; none when it is missing or unreadable (writing then says why). */
function readPicture(root: string, file: string): string | undefined {
  try {
    return new Folder(root).read(file, MAX_ENTITY_FILE_BYTES)
  } catch (error) {
    if (error instanceof WorkspaceError) return undefined
    throw error
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

/** Normalized entities by kind, in id order. */
function toTree(entities: readonly NormalizedEntity[]): EntityTree {
  const tree: EntityTree = {dashboards: [], reports: []}
  for (const normalized of entities) {
    if (isDashboard(normalized.entity))
      tree.dashboards.push(normalized as NormalizedEntity<Dashboard>)
    else tree.reports.push(normalized as NormalizedEntity<Report>)
  }
  tree.dashboards.sort((a, b) => compareStrings(a.entity.id, b.entity.id))
  tree.reports.sort((a, b) => compareStrings(a.entity.id, b.entity.id))
  return tree
}
