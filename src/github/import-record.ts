/**
 * Where the record of the last import (entities/drift.ts) lives: in the git
 * repository that holds the files, as a ref of its own,
 *
 *   refs/optimize-as-code/imports/<16 hex of sha256(optimize URL, collection id)>
 *
 * pointing at a commit whose tree is one file, record.json; each import
 * adds a commit on top of the previous record, so the ref's log is the
 * target's import history. A ref, not a file on a branch: no branch
 * changes, no pull request, nothing in Optimize, no server of ours, and it
 * works wherever git does (the action with any `commit` mode, GitHub
 * Enterprise, the CLI on a laptop). actions/checkout does not fetch it, so
 * it is fetched from origin first; a record on origin wins over a local one.
 * It is pushed back unless `commit` is `none`.
 *
 * Only a repository whose top level is the workspace or inside it is used,
 * never one above it. Whatever goes wrong here (no repository, no origin,
 * no permission, an unreadable record) is a warning: the plan then runs as
 * it would without drift detection.
 */
import {createHash} from 'node:crypto'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {ImportRecordSchema, type ImportRecord} from '../entities/drift.js'
import type {Io} from '../io.js'
import {identityEnv} from './commit.js'
import {Git, GitError} from './git.js'

const REF_PREFIX = 'refs/optimize-as-code/imports/'
const FILE = 'record.json'

export interface RecordTarget {
  optimizeUrl: string
  collectionId: string
}

/** The record as found, and where the next one goes. */
export interface LastImport {
  ref: string
  /** Present when a repository can hold the record. */
  git?: Git
  /** The repository has a remote named origin, where the record is fetched from and pushed to. */
  origin?: boolean
  /** The record commit the next record is put on. */
  parent?: string
  record?: ImportRecord
  /** Why there is no record, in plain language; set exactly when `record` is not. */
  missing?: string
  /** Why origin could not be asked, when a local record is used instead. */
  unfetched?: string
}

function recordRef(target: RecordTarget): string {
  const digest = createHash('sha256')
    .update(`${target.optimizeUrl}\n${target.collectionId}`)
    .digest('hex')
  return `${REF_PREFIX}${digest.slice(0, 16)}`
}

/** Finds the record of the last import into `target`: origin's, else the local one. */
export async function readRecord(
  folder: string,
  workspace: string,
  target: RecordTarget,
  options: {token?: string; io?: Io}
): Promise<LastImport> {
  const ref = recordRef(target)
  const git = await repository(folder, workspace, options)
  if (!git)
    return {
      ref,
      missing: 'the files are not in a git repository of the workspace, where the record is kept'
    }
  const origin =
    (await git.exec(['remote', 'get-url', 'origin'], {allowedExitCodes: [2]})).exitCode === 0
  let fetchProblem = ''
  try {
    if (origin) fetchProblem = await fetchRecord(git, ref)
  } catch (error) {
    fetchProblem = error instanceof GitError ? error.message : String(error)
  }
  const parent = await git.read(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    allowedExitCodes: [1]
  })
  if (!parent)
    return fetchProblem
      ? {ref, git, origin, missing: `the record could not be fetched from origin (${fetchProblem})`}
      : {ref, git, origin, missing: 'no import into this collection has been recorded yet'}
  const text = await git.exec(['cat-file', 'blob', `${parent}:${FILE}`], {allowedExitCodes: [128]})
  const record = parseRecord(text.exitCode === 0 ? text.stdout : undefined, target)
  if (typeof record === 'string')
    return {ref, git, origin, parent, missing: `the record at ${ref} ${record}`}
  return {ref, git, origin, parent, record, ...(fetchProblem ? {unfetched: fetchProblem} : {})}
}

/** Adds `record` on top of the last one and pushes it; problems come back as warnings. */
export async function writeRecord(
  last: LastImport,
  record: ImportRecord,
  options: {push: boolean; message: string}
): Promise<string[]> {
  const {git} = last
  if (!git) return []
  const text = toCanonicalJson(record)
  if (last.record && toCanonicalJson(last.record) === text) return []
  const dir = await mkdtemp(path.join(tmpdir(), 'optimize-as-code-record-'))
  try {
    const file = path.join(dir, FILE)
    await writeFile(file, text)
    const blob = await git.read(['hash-object', '-w', '--', file])
    const env = {GIT_INDEX_FILE: path.join(dir, 'index')}
    await git.exec(['update-index', '--add', '--cacheinfo', `100644,${blob},${FILE}`], {env})
    const tree = await git.read(['write-tree'], {env})
    const parents = last.parent ? ['-p', last.parent] : []
    const commit = await git.read(['commit-tree', tree, ...parents, '-m', options.message], {
      env: await identityEnv(git)
    })
    // The old value guards against another run having moved the ref meanwhile.
    await git.exec(['update-ref', last.ref, commit, last.parent ?? ''])
  } catch (error) {
    return [`the record of this import could not be kept: ${messageOf(error)}`]
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
  if (!options.push || !last.origin) return []
  try {
    await git.exec(['push', '--quiet', 'origin', `${last.ref}:${last.ref}`], {auth: true})
    return []
  } catch (error) {
    return [
      `the record of this import is kept in this repository but could not be pushed to origin (${messageOf(error)}): the next run elsewhere sees the record before it`
    ]
  }
}

/** The repository that holds `folder`, when its top level is the workspace or below it. */
async function repository(
  folder: string,
  workspace: string,
  options: {token?: string; io?: Io}
): Promise<Git | undefined> {
  const git = await Git.create(folder, options).catch(() => undefined)
  if (!git) return undefined
  const top = await git.read(['rev-parse', '--show-toplevel'])
  const relative = path.relative(path.resolve(workspace), path.resolve(top))
  return relative.startsWith('..') || path.isAbsolute(relative) ? undefined : git
}

/** Replaces the local ref with origin's record, if origin has one; '' or why the fetch failed. */
async function fetchRecord(git: Git, ref: string): Promise<string> {
  const shallow = (await git.read(['rev-parse', '--is-shallow-repository'])) === 'true'
  const fetched = await git.exec(
    [
      'fetch',
      '--quiet',
      '--no-tags',
      '--no-recurse-submodules',
      ...(shallow ? ['--depth=1'] : []),
      'origin',
      `+${ref}:${ref}`
    ],
    {auth: true, allowedExitCodes: [128]}
  )
  if (fetched.exitCode === 0 || /couldn't find remote ref/i.test(fetched.stderr)) return ''
  return `git fetch failed: ${git.redact(fetched.stderr.trim())}`
}

/** The record, or why it cannot be used. */
function parseRecord(text: string | undefined, target: RecordTarget): ImportRecord | string {
  if (text === undefined) return `has no ${FILE}`
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return `holds a ${FILE} that is not JSON`
  }
  const parsed = ImportRecordSchema.safeParse(value)
  if (!parsed.success) return `holds a ${FILE} this version cannot read`
  if (parsed.data.collectionId !== target.collectionId) return `is for another collection`
  return parsed.data
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
