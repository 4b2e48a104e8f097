/**
 * The one way the action reaches a file: inside a root folder, never through
 * a symbolic link. A file from a pull request may be a link to anywhere (to
 * `/proc/self/environ`, to a file outside the workspace); reading it would
 * send its bytes on, writing through it would change what it points at.
 *
 * - A path must stay inside its root: `..` and absolute paths are refused.
 * - The last segment is opened with O_NOFOLLOW where the platform has it
 *   (Linux, macOS): the kernel refuses a link. Elsewhere (Windows) an lstat
 *   of the file comes first.
 * - Every folder between the root and the file is checked with lstat, once
 *   per Folder object.
 * - Reading opens with O_NONBLOCK and takes only regular files, so a FIFO or
 *   a device cannot hang or feed the action.
 *
 * The root itself is the caller's to trust: settings keeps `path` and
 * `output` inside the workspace, and checkNoLinksBetween checks the folders
 * from the workspace down to it.
 *
 * Errors name the file, relative to the root.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  type Dirent,
  type Stats
} from 'node:fs'
import {open, type FileHandle} from 'node:fs/promises'
import * as path from 'node:path'

export class WorkspaceError extends Error {
  override name = 'WorkspaceError'
}

/** A file over the size a reader allows; `bytes` is its size. */
export class FileTooLargeError extends WorkspaceError {
  override name = 'FileTooLargeError'
  constructor(
    readonly file: string,
    readonly bytes: number,
    readonly maxBytes: number
  ) {
    super(`'${file}' is ${bytes} bytes; it may have at most ${maxBytes} bytes.`)
  }
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0
const NONBLOCK = constants.O_NONBLOCK ?? 0
const READ = constants.O_RDONLY | NOFOLLOW | NONBLOCK
const CREATE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW
const REPLACE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NOFOLLOW

type Access = 'read' | 'write'

/** The files under one root folder. */
export class Folder {
  readonly root: string
  /** The root with a trailing separator: what every path inside it starts with. */
  readonly #prefix: string
  /** Folders below the root already checked not to be links. */
  readonly #checked = new Set<string>()

  constructor(root: string) {
    this.root = path.resolve(root)
    this.#prefix = this.root.endsWith(path.sep) ? this.root : this.root + path.sep
  }

  /** The absolute path of `file` (relative to the root, or absolute inside it). */
  resolve(file: string, access: Access = 'read'): string {
    const target = path.resolve(this.root, file)
    if (!target.startsWith(this.#prefix))
      throw new WorkspaceError(`Refusing to ${access} '${file}': it is outside '${this.root}'.`)
    return target
  }

  /** `file` relative to the root, POSIX separators: how errors name it. */
  name(file: string): string {
    return path.relative(this.root, path.resolve(this.root, file)).split(path.sep).join('/')
  }

  /** Checks the folders between the root and `file`: none may be a link (missing ones are fine). */
  checkFolders(file: string, access: Access = 'read'): void {
    this.#checkParents(this.resolve(file, access), access)
  }

  /** What is at `file` ('.': the root), without following a link; undefined when nothing is. */
  lstat(file: string): Stats | undefined {
    const target = path.resolve(this.root, file) === this.root ? this.root : this.resolve(file)
    if (target !== this.root) this.#checkParents(target, 'read')
    return lstatSync(target, {throwIfNoEntry: false})
  }

  /** A folder's entries ('.': the root's); undefined when it does not exist. Refuses a link. */
  list(dir: string): Dirent[] | undefined {
    const stats = this.lstat(dir)
    if (!stats) return undefined
    if (stats.isSymbolicLink())
      throw new WorkspaceError(`Refusing to read '${this.name(dir)}': it is a symbolic link.`)
    if (!stats.isDirectory()) throw new WorkspaceError(`'${this.name(dir)}' is not a folder.`)
    return readdirSync(path.resolve(this.root, dir), {withFileTypes: true})
  }

  /**
   * The text of `file`; undefined when it does not exist. Refuses a link and
   * anything but a regular file, and a file over `maxBytes` (FileTooLargeError).
   */
  read(file: string, maxBytes = Infinity): string | undefined {
    let fd: number
    try {
      fd = this.#open(file, 'read', READ)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    try {
      const stats = fstatSync(fd)
      if (!stats.isFile())
        throw new WorkspaceError(`Refusing to read '${this.name(file)}': it is not a regular file.`)
      if (stats.size > maxBytes) throw new FileTooLargeError(this.name(file), stats.size, maxBytes)
      return readFileSync(fd, 'utf8')
    } finally {
      closeSync(fd)
    }
  }

  /** Writes a new file; fails when anything, a link included, is there already. */
  create(file: string, content: string): void {
    const fd = this.#open(file, 'write', CREATE)
    try {
      writeFileSync(fd, content, 'utf8')
    } finally {
      closeSync(fd)
    }
  }

  /** Makes the root folder if it does not exist; the caller trusts the folders above it. */
  makeRoot(created?: string[]): void {
    const made = mkdirSync(this.root, {recursive: true})
    if (made !== undefined) created?.push(made)
  }

  /**
   * Makes `dir` and the folders above it (below the root, which must exist).
   * Adds to `created` the outermost folder it made.
   */
  makeFolders(dir: string, created?: string[]): void {
    const target = path.resolve(this.root, dir)
    if (target === this.root) return
    this.#checkParents(path.join(this.resolve(target, 'write'), 'x'), 'write')
    const made = mkdirSync(target, {recursive: true})
    if (made !== undefined) created?.push(made)
  }

  /** Opens `file` with `flags` after checking its folders; a link in its place is refused. */
  #open(file: string, access: Access, flags: number): number {
    const target = this.resolve(file, access)
    this.#checkParents(target, access)
    if (!NOFOLLOW && lstatSync(target, {throwIfNoEntry: false})?.isSymbolicLink())
      throw this.#linkError(access, file)
    try {
      return openSync(target, flags, 0o666)
    } catch (error) {
      const {code} = error as NodeJS.ErrnoException
      if (code === 'ELOOP' || code === 'EMLINK') throw this.#linkError(access, file)
      throw error
    }
  }

  /** Checks each folder from the root down to `target`'s: none may be a link; missing ones end the check. */
  #checkParents(target: string, access: Access): void {
    const parent = path.dirname(target)
    if (parent === this.root || this.#checked.has(parent)) return
    let current = this.root
    for (const part of parent.slice(this.#prefix.length).split(path.sep)) {
      current = path.join(current, part)
      if (this.#checked.has(current)) continue
      const stats = lstatSync(current, {throwIfNoEntry: false})
      if (!stats) return
      if (stats.isSymbolicLink()) {
        const verb = access === 'read' ? 'read from' : 'write into'
        throw new WorkspaceError(
          `Refusing to ${verb} '${this.name(current)}': it is a symbolic link.`
        )
      }
      if (!stats.isDirectory())
        throw new WorkspaceError(`'${this.name(current)}' is in the way: it is not a folder.`)
      this.#checked.add(current)
    }
  }

  #linkError(access: Access, file: string): WorkspaceError {
    return new WorkspaceError(`Refusing to ${access} '${this.name(file)}': it is a symbolic link.`)
  }
}

/**
 * Checks the folders from `base` (the workspace) down to `target` (`path`,
 * `output`), `target` included: none may be a symbolic link, even one that
 * stays inside the workspace. Missing folders pass.
 */
export function checkNoLinksBetween(base: string, target: string, access: Access = 'read'): void {
  if (path.resolve(base, target) === path.resolve(base)) return
  const folder = new Folder(base)
  folder.checkFolders(path.join(folder.resolve(target, access), 'x'), access)
}

/**
 * Opens `file` (an absolute path) for writing piece by piece, created or
 * emptied, refusing a symbolic link in its place: for the data files of
 * export-data, whose folder settings keeps inside the workspace.
 */
export async function openToWrite(file: string): Promise<FileHandle> {
  if (!NOFOLLOW && lstatSync(file, {throwIfNoEntry: false})?.isSymbolicLink())
    throw new WorkspaceError(`Refusing to write '${file}': it is a symbolic link.`)
  try {
    return await open(file, REPLACE, 0o666)
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    if (code === 'ELOOP' || code === 'EMLINK')
      throw new WorkspaceError(`Refusing to write '${file}': it is a symbolic link.`)
    throw error
  }
}
