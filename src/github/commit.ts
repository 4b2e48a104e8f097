/**
 * Commits built with git plumbing on a temporary index (GIT_INDEX_FILE), so
 * the user's checkout, index and HEAD are never touched: the workspace ends on
 * the branch and commit it started on, whatever happens.
 */
import {existsSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import type {Git} from './git.js'
import {GitError} from './git.js'
import {PERMISSIONS_BLOCK} from './pull-request.js'

/** The identity actions/checkout users know from bot commits. */
const BOT_IDENTITY = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
} as const

/**
 * The commit identity as environment: empty when git already has one (config
 * or GIT_AUTHOR_* env), the bot otherwise. The user's config is never changed.
 */
export async function identityEnv(git: Git): Promise<Record<string, string>> {
  const get = async (key: string): Promise<string> =>
    git.read(['config', '--get', key], {allowedExitCodes: [1]})
  const name = process.env.GIT_AUTHOR_NAME || (await get('user.name'))
  const email = process.env.GIT_AUTHOR_EMAIL || (await get('user.email'))
  if (name && email) return {}
  return {
    GIT_AUTHOR_NAME: BOT_IDENTITY.name,
    GIT_AUTHOR_EMAIL: BOT_IDENTITY.email,
    GIT_COMMITTER_NAME: BOT_IDENTITY.name,
    GIT_COMMITTER_EMAIL: BOT_IDENTITY.email
  }
}

/** The tree of `parent` with `relativePath` replaced by what the workspace holds there. */
export async function buildTree(git: Git, parent: string, relativePath: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'optimize-as-code-index-'))
  const env = {GIT_INDEX_FILE: path.join(dir, 'index')}
  try {
    await git.exec(['read-tree', parent], {env})
    if (existsSync(path.join(git.workdir, relativePath))) {
      // -A also stages deletions, but only inside the pathspec.
      await git.exec(['add', '-A', '--', relativePath], {env})
    } else {
      await git.exec(['rm', '-r', '-q', '--cached', '--ignore-unmatch', '--', relativePath], {env})
    }
    return await git.read(['write-tree'], {env})
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}

export async function treeOf(git: Git, commit: string): Promise<string> {
  return git.read(['rev-parse', `${commit}^{tree}`])
}

/** Which of `branches` exist on origin. */
export async function remoteBranches(git: Git, branches: readonly string[]): Promise<Set<string>> {
  const output = await git.read(
    ['ls-remote', '--heads', 'origin', ...branches.map(b => `refs/heads/${b}`)],
    {auth: true}
  )
  const found = new Set<string>()
  for (const line of output.split('\n')) {
    const ref = line.split('\t')[1]
    if (ref?.startsWith('refs/heads/')) found.add(ref.slice('refs/heads/'.length))
  }
  return found
}

/**
 * Fetches branches into origin's remote-tracking refs and returns their
 * commits, as fetched: these are the values a later `--force-with-lease` expects.
 */
export async function fetchBranches(
  git: Git,
  branches: readonly string[]
): Promise<Map<string, string>> {
  const result = new Map<string, string>()
  if (!branches.length) return result
  const shallow = (await git.read(['rev-parse', '--is-shallow-repository'])) === 'true'
  await git.exec(
    [
      'fetch',
      '--no-tags',
      '--no-recurse-submodules',
      // A shallow checkout (actions/checkout's default) only needs the tips.
      ...(shallow ? ['--depth=1'] : []),
      'origin',
      ...branches.map(b => `+refs/heads/${b}:refs/remotes/origin/${b}`)
    ],
    {auth: true}
  )
  for (const branch of branches) {
    result.set(branch, await git.read(['rev-parse', `refs/remotes/origin/${branch}^{commit}`]))
  }
  return result
}

/**
 * Pushes `commit` to `branch`. With `lease`, only if the branch is still at
 * `lease.expected` (or absent, when that is undefined); returns 'stale' when
 * someone else moved it first. A refused push gets the permission it needs spelled out.
 */
export async function pushCommit(
  git: Git,
  commit: string,
  branch: string,
  lease?: {expected: string | undefined}
): Promise<'pushed' | 'stale'> {
  const args = ['push', '--no-verify']
  if (lease) args.push(`--force-with-lease=refs/heads/${branch}:${lease.expected ?? ''}`)
  args.push('origin', `${commit}:refs/heads/${branch}`)
  try {
    await git.exec(args, {auth: true})
    return 'pushed'
  } catch (error) {
    if (!(error instanceof GitError)) throw error
    if (lease && isStale(error)) return 'stale'
    if (
      /\b403\b|permission to .* denied|denied to|not allowed to push|protected branch/i.test(
        error.stderr
      )
    ) {
      throw new Error(
        `Pushing to origin was refused: ${error.stderr}\nThe token needs the 'contents: write' permission (and the branch must not be protected against it). Give the job these permissions:\n\n${PERMISSIONS_BLOCK}`,
        {cause: error}
      )
    }
    throw error
  }
}

/** A lease lost on the client ("stale info") or on the server (ref lock/compare failed). */
function isStale(error: GitError): boolean {
  return /stale info|fetch first|cannot lock ref|failed to update ref|incorrect old value/i.test(
    `${error.message}\n${error.stderr}`
  )
}
