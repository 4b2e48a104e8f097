/**
 * Writing the entity folder: the managed files of a new export replace those
 * of the previous one. Only files the previous manifest lists are ever
 * replaced or removed; a file the action did not write is never touched, and
 * nothing is written through a symbolic link (files.ts).
 *
 * Crash-consistent through a redo log (journal.ts): every new or changed file
 * is staged, then the journal is committed, then applied. A failure before
 * the commit point takes back what was staged, so the folder is as it was; a
 * process that dies at any instant leaves a folder that the next run's
 * recoverTree turns into the old tree or the new one.
 *
 * Files are written one after the other with synchronous calls: for
 * thousands of small files in one folder, concurrent writes make the kernel
 * contend on the folder and are several times slower on a real disk. Each
 * folder of the tree is listed once instead of asking about each file.
 */
import {rmSync, type Dirent} from 'node:fs'
import * as path from 'node:path'
import {MANIFEST_FILE, type ManagedFile, type Manifest} from '../entities/layout.js'
import {Folder, WorkspaceError} from './files.js'
import {
  applyJournal,
  commitJournal,
  removeStaging,
  STAGING_DIR,
  stagedPath,
  startStaging
} from './journal.js'

export interface WriteResult {
  /** Every managed file, relative to the tree's folder. */
  files: string[]
  /** Files created or whose content changed. */
  changed: string[]
  /** Managed files of the previous run that are gone now. */
  removed: string[]
}

/**
 * Replaces the managed files under `root` with `files` (see the file's
 * header). `previous` is the manifest read before (what this action may
 * replace or remove); `known` the texts of files already read in this run,
 * to compare without reading them again.
 */
export async function writeManagedFiles(
  root: string,
  files: readonly ManagedFile[],
  previous?: Manifest,
  known?: ReadonlyMap<string, string>
): Promise<WriteResult> {
  const folder = new Folder(root)
  if (folder.lstat(STAGING_DIR))
    throw new WorkspaceError(
      `'${root}' holds '${STAGING_DIR}' of an earlier run that was not recovered; run the command again.`
    )
  const managed = new Set([...(previous?.files ?? []), ...(previous ? [MANIFEST_FILE] : [])])
  const {entry: existing, missing} = listingOf(folder)
  const changed: string[] = []
  for (const file of files) {
    const entry = existing(file.path)
    if (entry?.isSymbolicLink())
      throw new WorkspaceError(`Refusing to write '${file.path}': it is a symbolic link.`)
    const current = entry ? (known?.get(file.path) ?? folder.read(file.path)) : undefined
    if (current === file.content) continue
    if (current !== undefined && !managed.has(file.path)) {
      throw new WorkspaceError(
        `${folder.resolve(file.path)} exists but was not written by optimize-as-code; move it away or delete it.`
      )
    }
    changed.push(file.path)
  }
  const next = new Set(files.map(f => f.path))
  const removed = [...managed].filter(file => !next.has(file)).sort()
  const result = {files: files.map(f => f.path), changed, removed}
  if (!changed.length && !removed.length) return result

  const contents = new Map(files.map(file => [file.path, file.content]))
  // The manifest goes into place last: until then, the previous one stands.
  const order = [
    ...changed.filter(file => file !== MANIFEST_FILE),
    ...changed.filter(file => file === MANIFEST_FILE)
  ]
  // A folder the tree does not have is staged whole and moved into place with one rename.
  const newFolders = [...new Set(order.map(file => path.posix.dirname(file)))].filter(
    dir => dir !== '.' && missing(dir)
  )
  const journal = {
    folders: newFolders,
    write: order.filter(file => !newFolders.includes(path.posix.dirname(file))),
    remove: removed
  }
  const created: string[] = []
  let staging = false
  try {
    folder.makeRoot(created)
    startStaging(folder)
    staging = true
    const stagedFolders = new Set<string>()
    for (const file of order) {
      const dir = path.posix.dirname(file)
      if (!stagedFolders.has(dir)) {
        folder.makeFolders(path.posix.dirname(stagedPath(file)))
        // The tree's folders too: an empty folder changes nothing a reader sees.
        if (!newFolders.includes(dir)) folder.makeFolders(dir, created)
        stagedFolders.add(dir)
      }
      folder.create(stagedPath(file), contents.get(file) as string)
    }
    commitJournal(folder, journal)
  } catch (error) {
    // Before the commit point: the tree is the old one; take back what was staged.
    if (staging) removeQuietly(() => removeStaging(folder))
    for (const dir of created.reverse()) removeQuietly(() => rmSync(dir, {recursive: true}))
    throw error
  }
  try {
    applyJournal(folder, journal)
  } catch (error) {
    throw new WorkspaceError(
      `Writing '${root}' stopped after its commit point: ${(error as Error).message} The next run completes it.`,
      {cause: error}
    )
  }
  return result
}

/**
 * Answers the entry at a path of the tree, and whether a folder of the tree
 * is missing, from one listing of each folder (its folders checked once).
 * The listing tells links from files without an lstat of each.
 */
function listingOf(folder: Folder): {
  entry: (file: string) => Dirent | undefined
  missing: (dir: string) => boolean
} {
  const listings = new Map<string, Map<string, Dirent> | undefined>()
  const listing = (dir: string): Map<string, Dirent> | undefined => {
    if (!listings.has(dir)) {
      folder.checkFolders(path.posix.join(dir, 'x'), 'write')
      const listed = folder.list(dir)
      listings.set(dir, listed && new Map(listed.map(entry => [entry.name, entry])))
    }
    return listings.get(dir)
  }
  return {
    entry: file => {
      folder.resolve(file, 'write')
      return listing(path.posix.dirname(file))?.get(path.posix.basename(file))
    },
    missing: dir => !listing(dir)
  }
}

function removeQuietly(remove: () => void): void {
  try {
    remove()
  } catch {
    // Taking back is best effort: the error that stopped the write is what counts.
  }
}
