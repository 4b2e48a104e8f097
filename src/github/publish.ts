/**
 * After an export has written its files under `settings.path`: commit them,
 * per `settings.github.mode`.
 *
 * - `none`: nothing; the files stay in the workspace.
 * - `push`: one commit of `relativePath` on the current branch, pushed.
 * - `pull-request`: the branch holds exactly one commit on top of the base
 *   with this export's `relativePath`, force-pushed with a lease, and one open
 *   pull request per branch whose body is the change summary.
 *
 * A half-written tree is never published: before a commit is built, an
 * interrupted write is completed and the folder is checked (it parses, and
 * its manifest lists exactly the files of dashboards/ and reports/).
 */
import {type Io} from '../io.js'
import type {CommitMode, Settings} from '../settings.js'
import {checkPublishable} from '../workspace/check.js'
import {recoverTree} from '../workspace/journal.js'
import {
  buildTree,
  fetchBranches,
  identityEnv,
  pushCommit,
  remoteBranches,
  treeOf
} from './commit.js'
import {Git} from './git.js'
import {
  createOctokit,
  defaultBranch,
  findOpenPullRequest,
  upsertPullRequest
} from './pull-request.js'

export interface PublishResult {
  mode: CommitMode
  /** The commit this run pushed, or the branch's when it already held this content. */
  commitSha?: string
  pullRequestNumber?: number
  pullRequestUrl?: string
  /** Whether this run pushed a new commit. */
  changed: boolean
}

export interface PublishChange {
  summaryMarkdown: string
}

export interface PublishOptions {
  /** Lost leases tolerated before giving up (another run keeps pushing). */
  maxAttempts?: number
  /** Base delay of Octokit's retries (tests make it short). */
  retryAfterBaseMs?: number
  /** Called before each push; tests use it to race another writer. */
  beforePush?: (attempt: number) => Promise<void>
}

const DEFAULT_ATTEMPTS = 3

export async function publishChanges(
  settings: Settings,
  io: Io,
  change: PublishChange,
  options: PublishOptions = {}
): Promise<PublishResult> {
  const {mode, token} = settings.github
  if (mode === 'none') {
    io.info(`commit: none; the files under ${settings.relativePath} are left uncommitted.`)
    return {mode, changed: false}
  }
  await checkTreeToPublish(settings, io)
  const git = await Git.create(settings.workspace, {token, io})
  if (mode === 'push') return pushToCurrentBranch(settings, io, git)
  return publishPullRequest(settings, io, git, change, options)
}

/** Completes an interrupted write, then refuses a folder that is not whole, naming every problem. */
async function checkTreeToPublish(settings: Settings, io: Io): Promise<void> {
  const recovered = recoverTree(settings.path)
  if (recovered) io.warning(recovered)
  const problems = await checkPublishable(settings.path)
  if (!problems.length) return
  const shown = problems.slice(0, 20).map(problem => `${settings.relativePath}/${problem}`)
  if (problems.length > shown.length) shown.push(`and ${problems.length - shown.length} more`)
  throw new Error(
    `Refusing to commit ${settings.relativePath}: it is not a whole export (${shown.join('; ')}). Nothing was committed or pushed. Run the export again, and remove by hand any file in dashboards/ or reports/ that export did not write.`
  )
}

async function pushToCurrentBranch(settings: Settings, io: Io, git: Git): Promise<PublishResult> {
  const branch = await git.read(['symbolic-ref', '--quiet', '--short', 'HEAD'], {
    allowedExitCodes: [1]
  })
  if (!branch) {
    throw new Error(
      'commit: push needs a checked-out branch, but HEAD is detached (e.g. a pull_request or tag checkout). Check out a branch, or use commit: pull-request.'
    )
  }
  const head = await git.read(['rev-parse', 'HEAD^{commit}'])
  const tree = await buildTree(git, head, settings.relativePath)
  if (tree === (await treeOf(git, head))) {
    io.info(`No changes under ${settings.relativePath}; nothing to commit.`)
    return {mode: 'push', changed: false}
  }
  const commit = await git.read(
    ['commit-tree', tree, '-p', head, '-m', settings.github.commitMessage],
    {env: await identityEnv(git)}
  )
  await pushCommit(git, commit, branch)
  // Move the local branch too (the push succeeded, so this is the remote's state),
  // and align the index with it for the exported folder only.
  await git.exec([
    'update-ref',
    '-m',
    'optimize-as-code: export',
    `refs/heads/${branch}`,
    commit,
    head
  ])
  await git.exec(['reset', '-q', '--', settings.relativePath])
  io.info(`Pushed ${commit.slice(0, 12)} to ${branch}.`)
  return {mode: 'push', commitSha: commit, changed: true}
}

async function publishPullRequest(
  settings: Settings,
  io: Io,
  git: Git,
  change: PublishChange,
  options: PublishOptions
): Promise<PublishResult> {
  const {github, relativePath} = settings
  if (!github.token) {
    throw new Error(
      "Input 'github-token' is required for commit: pull-request (e.g. ${{ github.token }})."
    )
  }
  const {repository} = github
  if (!repository) {
    throw new Error(
      'GITHUB_REPOSITORY is not set: cannot tell which repository the pull request is for.'
    )
  }
  const octokit = createOctokit(github, github.token, io, options)
  const base = github.base ?? (await defaultBranch(octokit, repository))
  const branch = github.branch
  if (branch === base) {
    throw new Error(
      `Input 'branch' ('${branch}') must differ from the base branch of the pull request.`
    )
  }
  const identity = await identityEnv(git)
  // The body is the export summary, which quotes Optimize, so it is redacted.
  const request = {
    branch,
    base,
    title: github.prTitle,
    body: io.redact(change.summaryMarkdown),
    labels: github.prLabels
  }
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS

  for (let attempt = 1; ; attempt++) {
    const existing = await remoteBranches(git, [base, branch])
    if (!existing.has(base)) throw new Error(`The base branch '${base}' does not exist on origin.`)
    const heads = await fetchBranches(git, existing.has(branch) ? [base, branch] : [base])
    const baseSha = heads.get(base) as string
    const branchSha = heads.get(branch)
    const tree = await buildTree(git, baseSha, relativePath)

    if (tree === (await treeOf(git, baseSha))) {
      const open = await findOpenPullRequest(octokit, repository, branch)
      io.info(
        `The exported files equal '${base}': nothing to propose, nothing pushed.` +
          (open ? ` Pull request #${open.number} was left as it is.` : '')
      )
      return {mode: 'pull-request', changed: false}
    }

    if (branchSha && tree === (await treeOf(git, branchSha))) {
      io.info(`Branch '${branch}' already holds this export: no commit, no push.`)
      let open = await findOpenPullRequest(octokit, repository, branch)
      // The content is new to the base but nobody is looking at it (the PR was closed).
      if (!open) open = await upsertPullRequest(octokit, repository, request)
      return {
        mode: 'pull-request',
        commitSha: branchSha,
        pullRequestNumber: open.number,
        pullRequestUrl: open.url,
        changed: false
      }
    }

    const commit = await git.read(
      ['commit-tree', tree, '-p', baseSha, '-m', github.commitMessage],
      {env: identity}
    )
    await options.beforePush?.(attempt)
    const outcome = await pushCommit(git, commit, branch, {expected: branchSha})
    if (outcome === 'stale') {
      if (attempt >= maxAttempts) {
        throw new Error(
          `Branch '${branch}' kept changing while this export was pushed (${attempt} attempts); another run is probably writing to it. Run again.`
        )
      }
      io.warning(
        `Branch '${branch}' changed on origin while this export was being pushed; rebuilding on top of '${base}' and retrying (${attempt}/${maxAttempts}).`
      )
      continue
    }
    io.info(`Pushed ${commit.slice(0, 12)} to '${branch}' (one commit on top of '${base}').`)
    const open = await findOpenPullRequest(octokit, repository, branch)
    const pull = await upsertPullRequest(octokit, repository, request, open)
    io.info(`${pull.created ? 'Opened' : 'Updated'} pull request #${pull.number}: ${pull.url}`)
    return {
      mode: 'pull-request',
      commitSha: commit,
      pullRequestNumber: pull.number,
      pullRequestUrl: pull.url,
      changed: true
    }
  }
}
