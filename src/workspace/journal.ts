/**
 * The redo log that makes writing the entity folder crash-consistent: if the
 * process dies at any instant (SIGKILL, a cancelled job), the next run that
 * reads or writes the folder finds it as the old tree or completes it into
 * the new one, never anything in between.
 *
 * Under `<path>/.optimize-as-code-staging/`:
 *
 *   .gitignore     `*`, written first: no tool commits what is staged
 *   <file>         every new or changed file, at its path in the tree
 *   journal.json   the commit point: the files to move into place, the
 *                  folders to move into place whole, and the files to remove
 *                  (written as journal.json.partial, renamed)
 *
 * Writing (write.ts) stages every file and then writes the journal; applying
 * the journal moves each staged folder the tree did not have into place (one
 * rename: a first export does not pay a rename per file), then each staged
 * file (a rename), removes the files of the previous run that are gone, and
 * deletes the staging folder, the journal first. recoverTree, at the start
 * of every command that reads or writes the folder and before publishing,
 * applies a journal it finds (applying twice changes nothing: a moved file or
 * folder is no longer staged) and discards a staging folder without one: that
 * write never reached its commit point, and the tree is still the old one.
 *
 * It protects against the process dying, not against the machine losing
 * power (nothing is fsync'ed): a runner that crashes loses its workspace.
 */
import {readdirSync, renameSync, rmdirSync, rmSync, unlinkSync} from 'node:fs'
import * as path from 'node:path'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {Folder, WorkspaceError} from './files.js'

export const STAGING_DIR = '.optimize-as-code-staging'
const JOURNAL = `${STAGING_DIR}/journal.json`
const JOURNAL_PARTIAL = `${JOURNAL}.partial`
const IGNORE = `${STAGING_DIR}/.gitignore`
const JOURNAL_FORMAT = 1

/** What a write does once committed; paths relative to the folder, POSIX separators. */
export interface Journal {
  formatVersion: number
  /** Staged files to move into place, in this order. */
  write: string[]
  /** Staged folders the tree does not have, moved into place whole before the files. */
  folders?: string[]
  /** Files of the previous run to remove. */
  remove: string[]
}

/** Where a file of the tree is staged. */
export function stagedPath(file: string): string {
  return `${STAGING_DIR}/${file}`
}

/** Makes the staging folder, its .gitignore first. It must not exist (recoverTree has run). */
export function startStaging(folder: Folder): void {
  folder.makeFolders(STAGING_DIR)
  folder.create(IGNORE, '*\n')
}

/** The commit point: the journal, written whole under another name and renamed. */
export function commitJournal(folder: Folder, journal: Omit<Journal, 'formatVersion'>): void {
  folder.create(JOURNAL_PARTIAL, toCanonicalJson({formatVersion: JOURNAL_FORMAT, ...journal}))
  renameSync(folder.resolve(JOURNAL_PARTIAL), folder.resolve(JOURNAL))
}

/**
 * Completes a committed write: staged files into place (the manifest last,
 * as the caller orders them), removed files gone with the folders they
 * leave empty, then the journal and the staging folder. Safe to repeat.
 */
export function applyJournal(folder: Folder, journal: Omit<Journal, 'formatVersion'>): void {
  const madeFolders = new Set<string>()
  for (const dir of journal.folders ?? []) {
    folder.makeFolders(path.posix.dirname(dir))
    folder.checkFolders(dir, 'write')
    // Gone from staging: moved into place by an earlier, interrupted apply.
    if (!folder.lstat(stagedPath(dir))) continue
    renameSync(folder.resolve(stagedPath(dir)), folder.resolve(dir, 'write'))
  }
  for (const file of journal.write) {
    const dir = path.posix.dirname(file)
    if (!madeFolders.has(dir)) {
      folder.makeFolders(dir)
      madeFolders.add(dir)
    }
    folder.checkFolders(file, 'write')
    const staged = stagedPath(file)
    try {
      renameSync(folder.resolve(staged), folder.resolve(file, 'write'))
    } catch (error) {
      // Gone from staging: moved into place by an earlier, interrupted apply.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !folder.lstat(staged)) continue
      throw error
    }
  }
  for (const file of journal.remove) {
    const stats = folder.lstat(file)
    if (stats && !stats.isDirectory()) unlinkSync(folder.resolve(file, 'write'))
    removeEmptyFolders(folder, path.posix.dirname(file))
  }
  unlinkSync(folder.resolve(JOURNAL))
  removeStaging(folder)
}

/** Removes the staging folder, its .gitignore last, so that nothing staged is ever unignored. */
export function removeStaging(folder: Folder): void {
  const dir = folder.resolve(STAGING_DIR)
  for (const name of readdirSync(dir)) {
    if (name !== '.gitignore') rmSync(path.join(dir, name), {recursive: true, force: true})
  }
  rmSync(folder.resolve(IGNORE), {force: true})
  rmdirSync(dir)
}

/**
 * Brings the folder at `root` to a whole tree after a run that died while
 * writing it: applies a committed journal, or discards a staging folder
 * without one. Answers what it did, for the log; undefined when there was
 * nothing to do.
 */
export function recoverTree(root: string): string | undefined {
  const folder = new Folder(root)
  const stats = folder.lstat(STAGING_DIR)
  if (!stats) return undefined
  if (!stats.isDirectory())
    throw new WorkspaceError(
      `'${STAGING_DIR}' in '${root}' is not the staging folder optimize-as-code makes (${stats.isSymbolicLink() ? 'it is a symbolic link' : 'it is not a folder'}); remove it.`
    )
  const text = folder.read(JOURNAL)
  if (text === undefined) {
    removeStaging(folder)
    return `An earlier run stopped while staging files in '${root}', before it changed any: discarded what it staged.`
  }
  const journal = parseJournal(folder, text)
  applyJournal(folder, journal)
  const folders = journal.folders?.length ? `, ${journal.folders.length} new folders` : ''
  return `An earlier run stopped while moving its files into '${root}': completed its write (${journal.write.length} files written${folders}, ${journal.remove.length} removed).`
}

function parseJournal(folder: Folder, text: string): Journal {
  let value: Partial<Journal> | undefined
  try {
    value = JSON.parse(text) as Partial<Journal>
  } catch {
    value = undefined
  }
  const paths = (list: unknown): list is string[] =>
    Array.isArray(list) && list.every(item => typeof item === 'string')
  if (
    value?.formatVersion !== JOURNAL_FORMAT ||
    !paths(value.write) ||
    !paths(value.remove) ||
    !paths(value.folders ?? []) ||
    (value.folders ?? []).some(dir => folder.name(dir) === '') ||
    [...value.write, ...value.remove, ...(value.folders ?? [])].some(file =>
      isStaging(folder, file)
    )
  ) {
    throw new WorkspaceError(
      `${JOURNAL} in '${folder.root}' is not a journal optimize-as-code wrote; remove the folder '${STAGING_DIR}' and export again.`
    )
  }
  return value as Journal
}

/** Whether `file` is the staging folder or inside it (resolve refuses what lies outside the folder). */
function isStaging(folder: Folder, file: string): boolean {
  const relative = folder.name(folder.resolve(file))
  return relative === STAGING_DIR || relative.startsWith(`${STAGING_DIR}/`)
}

/** Removes `dir` and the folders above it that are empty, up to the root (kept). */
function removeEmptyFolders(folder: Folder, dir: string): void {
  let current = dir
  while (current !== '.' && current !== '') {
    const absolute = folder.resolve(current, 'write')
    const entries = folder.lstat(current)?.isDirectory() ? readdirSync(absolute) : undefined
    if (!entries || entries.length) return
    rmdirSync(absolute)
    current = path.posix.dirname(current)
  }
}
