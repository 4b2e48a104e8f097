/**
 * The few GitHub REST calls publishing needs: the default branch, the open
 * pull request of a branch, create/update it, add labels. Every failure is
 * turned into a message that says what to change (usually the workflow's
 * `permissions:` block), because a bare "Resource not accessible by
 * integration" leaves users guessing.
 */
import {getOctokit} from '@actions/github'
import {retry} from '@octokit/plugin-retry'
import {type Io} from '../io.js'
import {redactStrings} from '../redact.js'
import type {GitHubSettings} from '../settings.js'

export type Octokit = ReturnType<typeof getOctokit>

export interface PullRequest {
  number: number
  url: string
  base: string
}

export interface Repository {
  owner: string
  repo: string
}

/** The block to paste into a workflow; `contents` for the push, `pull-requests` for the PR. */
export const PERMISSIONS_BLOCK = 'permissions:\n  contents: write\n  pull-requests: write'

/**
 * An Octokit whose failures hold no secret: GitHub (or a proxy in front of a
 * GitHub Enterprise Server) may echo the token in an error body, which Octokit
 * puts in the error's message and `response.data`. Octokit's own log lines go
 * to `io`, redacted like every other line.
 */
export function createOctokit(
  github: GitHubSettings,
  token: string,
  io: Io,
  options: {retryAfterBaseMs?: number} = {}
): Octokit {
  const say = (message: string): void => io.info(`GitHub API: ${message}`)
  // getOctokit reads GITHUB_API_URL when @actions/github is first imported;
  // passing baseUrl makes GitHub Enterprise Server and tests work regardless.
  const octokit = getOctokit(
    token,
    {
      baseUrl: github.apiUrl,
      retry: {retryAfterBaseValue: options.retryAfterBaseMs ?? github.retryBaseMs ?? 1000},
      log: {debug: () => {}, info: () => {}, warn: say, error: say}
    },
    retry
  )
  // Registered last, so it wraps the retries and sees only the final failure.
  octokit.hook.wrap('request', async (request, requestOptions) => {
    try {
      return await request(requestOptions)
    } catch (error) {
      throw redactRequestError(error, io)
    }
  })
  return octokit
}

/** The failure with its message, stack and answer body redacted (in place: Octokit's fields stay). */
function redactRequestError(error: unknown, io: Io): unknown {
  if (!(error instanceof Error)) return error
  error.message = io.redact(error.message)
  if (error.stack) error.stack = io.redact(error.stack)
  const response = (error as {response?: {data?: unknown}}).response
  if (response) response.data = redactStrings(response.data, text => io.redact(text))
  return error
}

export async function defaultBranch(octokit: Octokit, repository: Repository): Promise<string> {
  const response = await call('read the repository', 'contents: read', repository, () =>
    octokit.rest.repos.get({...repository})
  )
  return response.data.default_branch
}

export async function findOpenPullRequest(
  octokit: Octokit,
  repository: Repository,
  branch: string
): Promise<PullRequest | undefined> {
  const response = await call('list pull requests', 'pull-requests: read', repository, () =>
    octokit.rest.pulls.list({
      ...repository,
      head: `${repository.owner}:${branch}`,
      state: 'open',
      per_page: 10
    })
  )
  const pull = response.data[0]
  return pull ? {number: pull.number, url: pull.html_url, base: pull.base.ref} : undefined
}

/** Opens the pull request of `branch`, or updates the open one in place. */
export async function upsertPullRequest(
  octokit: Octokit,
  repository: Repository,
  request: {branch: string; base: string; title: string; body: string; labels: string[]},
  existing?: PullRequest
): Promise<PullRequest & {created: boolean}> {
  const {data} = existing
    ? await call('update the pull request', 'pull-requests: write', repository, () =>
        octokit.rest.pulls.update({
          ...repository,
          pull_number: existing.number,
          title: request.title,
          body: request.body,
          ...(existing.base === request.base ? {} : {base: request.base})
        })
      )
    : await call('create the pull request', 'pull-requests: write', repository, () =>
        octokit.rest.pulls.create({
          ...repository,
          head: request.branch,
          base: request.base,
          title: request.title,
          body: request.body,
          maintainer_can_modify: false
        })
      )
  const pull: PullRequest = {number: data.number, url: data.html_url, base: data.base.ref}
  if (request.labels.length) {
    await call('add labels to the pull request', 'pull-requests: write', repository, () =>
      octokit.rest.issues.addLabels({
        ...repository,
        issue_number: pull.number,
        labels: request.labels
      })
    )
  }
  return {...pull, created: !existing}
}

/** Runs one API call; a failure becomes an error saying what to fix. */
async function call<T>(
  action: string,
  permission: string,
  repository: Repository,
  request: () => Promise<T>
): Promise<T> {
  try {
    return await request()
  } catch (error) {
    throw explainApiError(error, action, permission, repository)
  }
}

function explainApiError(
  error: unknown,
  action: string,
  permission: string,
  repository: Repository
): Error {
  // Octokit's RequestError carries the status and the answer's headers.
  const failure = error as {status?: unknown; response?: {headers?: Record<string, string>}} | null
  const status = typeof failure?.status === 'number' ? failure.status : undefined
  const headers = failure?.response?.headers ?? {}
  const detail = error instanceof Error ? error.message : String(error)
  let why: string
  if (status === 403 && (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(detail))) {
    const reset = Number(headers['x-ratelimit-reset'])
    const when = reset ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : ''
    why = `: the GitHub API rate limit is exhausted.${when}`
  } else if (status === 403 && /not permitted to create or approve pull requests/i.test(detail)) {
    why =
      ': GitHub Actions may not create pull requests in this repository. ' +
      `Enable "Allow GitHub Actions to create and approve pull requests" under Settings → Actions → General ` +
      `(and in the organization's settings), or pass a different token in 'github-token'.`
  } else if (status === 401) {
    why = `: the GitHub token was rejected (401 ${detail}).`
  } else if (status === 403 || status === 404) {
    const missing =
      status === 404
        ? `the repository was not found or the token cannot see it (check GITHUB_REPOSITORY and the API URL), or the token lacks '${permission}'`
        : `the token lacks the '${permission}' permission`
    why = ` (${status} ${detail}): ${missing}. Give the job these permissions:\n\n${PERMISSIONS_BLOCK}`
  } else if (status !== undefined && status >= 500) {
    // Octokit has already retried; a bare "Service Unavailable" leaves users guessing what to do.
    why = `: GitHub answered ${status} (${detail}), also on retrying. GitHub may be having an incident (https://www.githubstatus.com): run the job again later.`
  } else {
    why = `: ${detail}`
  }
  return new Error(`Could not ${action} in ${repository.owner}/${repository.repo}${why}`, {
    cause: error
  })
}
