/**
 * Reading the entity folder back: the manifest, the collection file, and
 * every entity file under dashboards/ and reports/ with the .dmn file beside
 * it, each problem with its file and line. Every file is read through files.ts: a symbolic link is
 * a problem, never followed, and its target's bytes are never read.
 */
import type {z} from 'zod'
import {COLLECTION_FILE, parseCollectionFile} from '../entities/collection-file.js'
import {MAX_ENTITY_FILE_BYTES, parseJsonDocument} from '../entities/json-document.js'
import {
  DASHBOARD_DIR,
  MANIFEST_FILE,
  REPORT_DIR,
  type EntityFile,
  type LoadedTree,
  type Manifest,
  type TreeProblem
} from '../entities/layout.js'
import type {NormalizedEntity} from '../entities/normalize.js'
import {DashboardSchema, ReportSchema, type Dashboard, type Report} from '../optimize/schemas.js'
import {FileTooLargeError, Folder, WorkspaceError} from './files.js'

/** The manifest; undefined when there is none. Throws a WorkspaceError naming what is wrong with it. */
function readManifest(folder: Folder): Manifest | undefined {
  const text = folder.read(MANIFEST_FILE, MAX_ENTITY_FILE_BYTES)
  if (text === undefined) return undefined
  const document = parseJsonDocument(text)
  const value = document.value as Partial<Manifest> | undefined
  if (!value || !Array.isArray(value.files) || !Array.isArray(value.entities)) {
    const where = document.problems[0]
    throw new WorkspaceError(
      `${MANIFEST_FILE}${where ? `:${where.line}` : ''} is not a valid optimize-as-code manifest${where ? ` (${where.message})` : ''}.`
    )
  }
  return value as Manifest
}

/**
 * Reads every entity file under `root` (dashboards/*.json, reports/*.json),
 * parsing each as it is read, with a turn for the event loop every few
 * milliseconds.
 */
export async function readEntityTree(root: string): Promise<LoadedTree> {
  const loaded = emptyTree()
  const read = await readTreeTexts(root, entry => addEntry(loaded, entry))
  loaded.problems.unshift(...read.problems)
  loaded.manifest = read.manifest
  addCollection(loaded, read.collection)
  return loaded
}

/** The files of a tree as text, not parsed yet (see parseEntityTree). */
export interface TreeTexts {
  files: {file: string; text: string; sidecar?: string}[]
  problems: TreeProblem[]
  manifest?: Manifest
  /** The collection file's text; undefined when the folder has none. */
  collection?: string
}

type TreeEntry = TreeTexts['files'][number]

/** The entity a file holds, when it is known without parsing the file's text. */
export type KnownEntity = (
  file: string,
  text: string,
  sidecar: string | undefined
) => NormalizedEntity | undefined

const LINKED_FILE = 'is a symbolic link; entity files must be regular files'
const LINKED_FOLDER =
  'is a symbolic link; entity folders must be real folders (nothing in it was read)'

/**
 * Reads the manifest and the text of every entity file under `root`, and of
 * their .dmn files; `each` sees each file as it is read. The event loop gets
 * a turn every few milliseconds, `each`'s time included.
 */
export async function readTreeTexts(
  root: string,
  each?: (entry: TreeEntry) => void
): Promise<TreeTexts> {
  const folder = new Folder(root)
  const problems: TreeProblem[] = []
  const files: TreeTexts['files'] = []
  const pause = pauser()
  let manifest: Manifest | undefined
  try {
    manifest = readManifest(folder)
  } catch (error) {
    problems.push({file: MANIFEST_FILE, message: (error as Error).message})
  }
  /** A file's text, or undefined after noting why it could not be read. */
  const readFile = (file: string): string | undefined => {
    try {
      return folder.read(file, MAX_ENTITY_FILE_BYTES)
    } catch (error) {
      if (!(error instanceof WorkspaceError)) throw error
      const message =
        error instanceof FileTooLargeError
          ? `is ${error.bytes} bytes; entity files may have at most ${MAX_ENTITY_FILE_BYTES} bytes`
          : error.message
      problems.push({file, message})
      return undefined
    }
  }
  const collection = readFile(COLLECTION_FILE)
  for (const dir of [REPORT_DIR, DASHBOARD_DIR]) {
    const stats = folder.lstat(dir)
    if (!stats) continue
    if (!stats.isDirectory()) {
      problems.push({
        file: dir,
        message: stats.isSymbolicLink() ? LINKED_FOLDER : 'is not a folder'
      })
      continue
    }
    const entries = new Map((folder.list(dir) ?? []).map(entry => [entry.name, entry]))
    const json = [...entries.values()]
      .filter(entry => entry.name.endsWith('.json') && !entry.isDirectory())
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const entry of json) {
      await pause()
      const file = `${dir}/${entry.name}`
      if (entry.isSymbolicLink()) {
        problems.push({file, message: LINKED_FILE})
        continue
      }
      const text = readFile(file)
      if (text === undefined) continue
      // Most reports have no .dmn file: the listing tells, without a failed open for each.
      const dmn = entries.get(entry.name.replace(/\.json$/, '.dmn'))
      let sidecar: string | undefined
      if (dmn?.isSymbolicLink()) {
        problems.push({file: `${dir}/${dmn.name}`, message: LINKED_FILE})
        continue
      }
      if (dmn) {
        sidecar = readFile(`${dir}/${dmn.name}`)
        if (sidecar === undefined) continue
      }
      files.push({file, text, sidecar})
      each?.({file, text, sidecar})
    }
  }
  return {files, problems, manifest, collection}
}

/**
 * Parses the texts of a tree, with a file and line for every problem. `known`
 * can answer a file's entity without parsing it: export knows the entity
 * behind every file whose text is what it would write anyway.
 */
export function parseEntityTree(read: TreeTexts, known?: KnownEntity): LoadedTree {
  const loaded = emptyTree()
  loaded.problems.push(...read.problems)
  loaded.manifest = read.manifest
  for (const entry of read.files) addEntry(loaded, entry, known)
  addCollection(loaded, read.collection)
  return loaded
}

/** The collection file parsed into the tree, or its problems. */
function addCollection(loaded: LoadedTree, text: string | undefined): void {
  if (text === undefined) return
  loaded.texts.set(COLLECTION_FILE, text)
  const parsed = parseCollectionFile(text)
  loaded.problems.push(...parsed.problems)
  loaded.collection = parsed.collection
}

function emptyTree(): LoadedTree {
  return {tree: {dashboards: [], reports: []}, files: [], problems: [], texts: new Map()}
}

function addEntry(loaded: LoadedTree, {file, text, sidecar}: TreeEntry, known?: KnownEntity): void {
  const {tree, texts} = loaded
  texts.set(file, text)
  if (sidecar !== undefined) texts.set(file.replace(/\.json$/, '.dmn'), sidecar)
  const reused = known?.(file, text, sidecar)
  const parsed = reused ? undefined : parseEntityFile(file, text, loaded.problems, sidecar)
  if (parsed) loaded.files.push(parsed)
  const {entity, decisionXml} = reused ?? parsed ?? {}
  if (!entity) return
  if (entity.exportEntityType === 'dashboard') tree.dashboards.push({entity})
  else tree.reports.push({entity, decisionXml})
}

/** Milliseconds of synchronous reading between two turns of the event loop. */
const PAUSE_EVERY_MS = 5

/**
 * Gives the event loop a turn every few milliseconds. `plan` reads the target
 * while it reads the files: without a turn, the listing's answers would wait
 * for the last file and the export requests would only leave after it, so the
 * server's work and the reading would run one after the other, not together.
 */
function pauser(): () => Promise<void> {
  let last = performance.now()
  return async () => {
    if (performance.now() - last < PAUSE_EVERY_MS) return
    await new Promise(resolve => setImmediate(resolve))
    last = performance.now()
  }
}

/** One entity file parsed and checked against its folder's schema; undefined after noting its problems. */
export function parseEntityFile(
  file: string,
  text: string,
  problems: TreeProblem[],
  sidecar?: string
): EntityFile | undefined {
  const schema: z.ZodType<Report> | z.ZodType<Dashboard> = file.startsWith(`${DASHBOARD_DIR}/`)
    ? DashboardSchema
    : ReportSchema
  const document = parseJsonDocument(text)
  if (document.problems.length) {
    for (const problem of document.problems) problems.push({file, ...problem})
    return undefined
  }
  const result = schema.safeParse(document.value)
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = document.locate(issue.path as (string | number)[])
      const at = issue.path.length ? ` at ${issue.path.join('.')}` : ''
      problems.push({file, ...where, message: `${issue.message}${at}`})
    }
    return undefined
  }
  const entity = result.data
  const decisionXml = entity.exportEntityType === 'single_decision_report' ? sidecar : undefined
  return {file, entity, decisionXml, document}
}
