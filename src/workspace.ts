/**
 * The entity files on disk: reading a tree back (with file and line for every
 * problem), and writing a new one so that a run that fails halfway leaves the
 * folder as it was. Only files listed in the manifest are ever replaced or
 * removed; files the action did not write are never touched.
 */
import {
  closeSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  type Dirent
} from 'node:fs'
import {readdir, rmdir} from 'node:fs/promises'
import * as path from 'node:path'
import type {z} from 'zod'
import {parseJsonDocument, type JsonDocument} from './entities/json-document.js'
import type {NormalizedEntity} from './entities/normalize.js'
import {
  DASHBOARD_DIR,
  MANIFEST_FILE,
  REPORT_DIR,
  type EntityTree,
  type ManagedFile,
  type Manifest
} from './entities/layout.js'
import {
  DashboardSchema,
  ReportSchema,
  type Dashboard,
  type Entity,
  type Report
} from './optimize/schemas.js'

/** Larger entity files are refused: real ones are well under 1 MB. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024

export interface TreeProblem {
  /** Relative to the tree's folder, POSIX separators. */
  file: string
  line?: number
  column?: number
  message: string
}

export interface EntityFile {
  file: string
  entity: Entity
  decisionXml?: string
  document: JsonDocument
}

export interface LoadedTree {
  tree: EntityTree
  files: EntityFile[]
  problems: TreeProblem[]
  manifest?: Manifest
  /** The text of every file read (entity JSON and .dmn), by path relative to the folder. */
  texts: Map<string, string>
}

export class WorkspaceError extends Error {
  override name = 'WorkspaceError'
}

export async function readManifest(root: string): Promise<Manifest | undefined> {
  const text = readTextSync(path.join(root, MANIFEST_FILE))
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
  return loaded
}

/** The files of a tree as text, not parsed yet (see parseEntityTree). */
export interface TreeTexts {
  files: {file: string; text: string; sidecar?: string}[]
  problems: TreeProblem[]
  manifest?: Manifest
}

type TreeEntry = TreeTexts['files'][number]

/** The entity a file holds, when it is known without parsing the file's text. */
export type KnownEntity = (
  file: string,
  text: string,
  sidecar: string | undefined
) => NormalizedEntity | undefined

/**
 * Reads the manifest and the text of every entity file under `root`, and of
 * their .dmn files; `each` sees each file as it is read. The event loop gets
 * a turn every few milliseconds, `each`'s time included.
 */
export async function readTreeTexts(
  root: string,
  each?: (entry: TreeEntry) => void
): Promise<TreeTexts> {
  const problems: TreeProblem[] = []
  const files: TreeTexts['files'] = []
  const pause = pauser()
  let manifest: Manifest | undefined
  try {
    manifest = await readManifest(root)
  } catch (error) {
    problems.push({file: MANIFEST_FILE, message: (error as Error).message})
  }
  for (const dir of [REPORT_DIR, DASHBOARD_DIR]) {
    const {json, names} = await listFolder(path.join(root, dir))
    for (const {name, symlink} of json) {
      await pause()
      const file = `${dir}/${name}`
      if (symlink) {
        problems.push({file, message: 'is a symbolic link; entity files must be regular files'})
        continue
      }
      const text = readBoundedSync(path.join(root, file))
      if (typeof text === 'number') {
        problems.push({
          file,
          message: `is ${text} bytes; entity files may have at most ${MAX_FILE_BYTES} bytes`
        })
        continue
      }
      // The folder lists a .dmn file beside it: most reports have none, and asking costs a failed open.
      const dmn = name.replace(/\.json$/, '.dmn')
      const sidecar = names.has(dmn) ? readTextSync(path.join(root, dir, dmn)) : undefined
      files.push({file, text, sidecar})
      each?.({file, text, sidecar})
    }
  }
  return {files, problems, manifest}
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
  return loaded
}

function emptyTree(): LoadedTree {
  return {tree: {dashboards: [], reports: []}, files: [], problems: [], texts: new Map()}
}

function addEntry(loaded: LoadedTree, {file, text, sidecar}: TreeEntry, known?: KnownEntity): void {
  const {tree, texts} = loaded
  texts.set(file, text)
  if (sidecar !== undefined) texts.set(file.replace(/\.json$/, '.dmn'), sidecar)
  const reused = known?.(file, text, sidecar)
  if (reused) {
    const {entity, decisionXml} = reused
    if (entity.exportEntityType === 'dashboard') tree.dashboards.push({entity})
    else tree.reports.push({entity, decisionXml})
    return
  }
  const schema = file.startsWith(`${DASHBOARD_DIR}/`) ? DashboardSchema : ReportSchema
  const parsed = parseEntityFile(file, text, schema, loaded.problems, sidecar)
  if (!parsed) return
  loaded.files.push(parsed)
  if (parsed.entity.exportEntityType === 'dashboard') tree.dashboards.push({entity: parsed.entity})
  else tree.reports.push({entity: parsed.entity, decisionXml: parsed.decisionXml})
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

function parseEntityFile(
  file: string,
  text: string,
  schema: z.ZodType<Report> | z.ZodType<Dashboard>,
  problems: TreeProblem[],
  sidecar: string | undefined
): EntityFile | undefined {
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

export interface WriteResult {
  /** Every managed file, relative to the tree's folder. */
  files: string[]
  /** Files created or whose content changed. */
  changed: string[]
  /** Managed files of the previous run that are gone now. */
  removed: string[]
}

/**
 * Replaces the managed files under `root` with `files`. New contents of
 * existing files are staged next to them first; only when every file is on
 * disk are they renamed into place, and only then are files of the previous
 * run removed. A failure before that takes back what was written, new files
 * included, so the folder is as it was.
 *
 * Synchronous file calls, one after the other: for thousands of small files
 * in one folder they are several times faster than the thread pool. Each
 * folder is listed once instead of asking about each file.
 */
export async function writeManagedFiles(
  root: string,
  files: readonly ManagedFile[],
  previous?: Manifest,
  /** Texts of files already read in this run (readEntityTree's), to compare without reading again. */
  known?: ReadonlyMap<string, string>
): Promise<WriteResult> {
  const managed = new Set([...(previous?.files ?? []), ...(previous ? [MANIFEST_FILE] : [])])
  const locate = targetLocator(root)
  const changed: Job[] = []
  for (const file of files) {
    const {target, exists} = locate(file.path)
    const current = exists ? (known?.get(file.path) ?? readFileSync(target, 'utf8')) : undefined
    if (current === file.content) continue
    if (current !== undefined && !managed.has(file.path)) {
      throw new WorkspaceError(
        `${target} exists but was not written by optimize-as-code; move it away or delete it.`
      )
    }
    changed.push({file, target, write: exists ? `${target}.${process.pid}.tmp` : target, exists})
  }
  const next = new Set(files.map(f => f.path))
  const removed = [...managed].filter(file => !next.has(file)).sort()

  const createdDirs: string[] = []
  const written = new Set<Job>()
  try {
    makeDirectories(
      changed.map(job => path.dirname(job.target)),
      createdDirs
    )
    for (const job of changed) writeJob(job, written)
  } catch (error) {
    // Taking back is best effort: the write that failed may have left nothing to remove.
    for (const {write} of written) removeQuietly(write)
    for (const dir of createdDirs.reverse()) removeQuietly(dir)
    throw error
  }
  for (const {write, target} of written) if (write !== target) renameSync(write, target)
  for (const file of removed) {
    const {target} = locate(file)
    rmSync(target, {force: true})
    await removeEmptyParents(root, path.dirname(target))
  }
  return {files: files.map(f => f.path), changed: changed.map(c => c.file.path), removed}
}

/** A changed file: where it goes, and where it is written first (a staged copy, when it exists). */
interface Job {
  file: ManagedFile
  target: string
  write: string
  exists: boolean
}

function writeJob(job: Job, written: Set<Job>): void {
  const flag = job.exists ? 'w' : 'wx'
  // Counted before the call: a write that fails may still have made the file.
  written.add(job)
  writeFileSync(job.write, job.file.content, {encoding: 'utf8', flag})
}

/** Makes the folders the files go to, adding to `created` the outermost one of each it made. */
function makeDirectories(dirs: readonly string[], created: string[]): void {
  for (const dir of new Set(dirs)) {
    const made = mkdirSync(dir, {recursive: true})
    if (made) created.push(made)
  }
}

/**
 * The absolute path of a managed file and whether it exists, refusing names
 * and symbolic links that lead out of `root`. Each folder on the way is
 * checked once, and listed once: the listing says which files exist and
 * which are symbolic links.
 */
function targetLocator(root: string): (file: string) => {target: string; exists: boolean} {
  const checked = new Set<string>()
  const listings = new Map<string, Map<string, Dirent>>()
  const checkDir = (dir: string): void => {
    if (checked.has(dir)) return
    if (lstatSync(dir, {throwIfNoEntry: false})?.isSymbolicLink()) {
      throw new WorkspaceError(
        `Refusing to write into '${path.relative(root, dir)}': it is a symbolic link.`
      )
    }
    checked.add(dir)
  }
  const listing = (dir: string): Map<string, Dirent> => {
    let entries = listings.get(dir)
    if (!entries) {
      entries = new Map(readdirEntries(dir).map(entry => [entry.name, entry]))
      listings.set(dir, entries)
    }
    return entries
  }
  const checkParents = (relative: string): void => {
    let current = root
    for (const part of relative.split(path.sep).slice(0, -1)) {
      current = path.join(current, part)
      checkDir(current)
    }
  }
  const found = (file: string, target: string): {target: string; exists: boolean} => {
    const entry = listing(path.dirname(target)).get(path.basename(target))
    if (entry?.isSymbolicLink())
      throw new WorkspaceError(`Refusing to write '${file}': it is a symbolic link.`)
    return {target, exists: entry !== undefined}
  }
  // The names layout makes (`reports/<slug>.json`) need none of path's
  // normalizing: no segment is empty, `.` or `..`, so they stay inside root.
  const plainRoot = path.sep === '/' && root !== '/' && path.resolve(root) === root
  const folderChecked = new Set<string>()
  return file => {
    if (plainRoot && PLAIN_PATH.test(file)) {
      const folder = file.slice(0, file.lastIndexOf('/') + 1)
      if (!folderChecked.has(folder)) {
        checkParents(file)
        folderChecked.add(folder)
      }
      return found(file, `${root}/${file}`)
    }
    const target = path.resolve(root, file)
    const relative = path.relative(root, target)
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw new WorkspaceError(`Refusing to write '${file}': it is outside '${root}'.`)
    }
    checkParents(relative)
    return found(file, target)
  }
}

/** A relative POSIX path whose segments start with a letter, digit, `_` or `-`. */
const PLAIN_PATH = /^(?:[\w-][\w.-]*\/)*[\w-][\w.-]*$/

function removeQuietly(file: string): void {
  try {
    rmSync(file, {recursive: true, force: true})
  } catch {
    // Nothing more to do while taking back a failed write; its error is what counts.
  }
}

/** A folder's entries; none when it does not exist (yet). */
function readdirEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, {withFileTypes: true})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

async function removeEmptyParents(root: string, dir: string): Promise<void> {
  let current = dir
  while (current.startsWith(root) && current !== root) {
    const entries = await readdir(current).catch(() => undefined)
    if (!entries || entries.length) return
    await rmdir(current)
    current = path.dirname(current)
  }
}

/**
 * The JSON files of a folder, sorted, and the names of all its entries.
 * Symbolic links are told by the listing itself (Node asks lstat where the
 * file system does not say), not by one more call per file.
 */
async function listFolder(
  dir: string
): Promise<{json: {name: string; symlink: boolean}[]; names: Set<string>}> {
  const entries = await readdir(dir, {withFileTypes: true}).catch(() => [])
  const json = entries
    .filter(entry => entry.name.endsWith('.json') && !entry.isDirectory())
    .map(entry => ({name: entry.name, symlink: entry.isSymbolicLink()}))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {json, names: new Set(entries.map(entry => entry.name))}
}

/**
 * A file's text, or its size when that is over MAX_FILE_BYTES. The size comes
 * from the open file, which reading needs anyway. Synchronous: thousands of
 * small files read several times faster than through the thread pool.
 */
function readBoundedSync(file: string): string | number {
  const fd = openSync(file, 'r')
  try {
    const {size} = fstatSync(fd)
    if (size > MAX_FILE_BYTES) return size
    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}

function readTextSync(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}
