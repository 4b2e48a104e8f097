/**
 * The plan as a comment on the pull request the workflow runs on: one comment,
 * found again by a hidden marker and updated in place, never repeated.
 */
import {type Io} from '../io.js'
import type {Settings} from '../settings.js'
import {createOctokit} from './pull-request.js'

/** GitHub's limit for a comment body. */
const MAX_COMMENT = 65_536

export function planMarker(collectionId: string): string {
  return `<!-- optimize-as-code:plan:${collectionId} -->`
}

/**
 * Creates or updates the plan comment. Returns its URL, or undefined when there
 * is no pull request, no token, or GitHub refused (a fork's read-only token):
 * the plan itself is already in the job summary, so that is a warning, not a failure.
 */
export async function upsertPlanComment(
  settings: Settings,
  io: Io,
  markdown: string
): Promise<string | undefined> {
  const {github} = settings
  if (!github.pullRequestNumber || !github.repository || !github.token) return undefined
  const marker = planMarker(
    settings.collectionId ?? `name:${encodeURIComponent(settings.collectionName ?? '')}`
  )
  // The plan quotes the target Optimize (names, its messages): redacted like the job summary.
  const body = `${marker}\n${io.redact(markdown)}`.slice(0, MAX_COMMENT)
  const octokit = createOctokit(github, github.token, io)
  const target = {...github.repository, issue_number: github.pullRequestNumber}
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      ...target,
      per_page: 100
    })
    const existing = comments.find(comment => comment.body?.startsWith(marker))
    if (existing) {
      if (existing.body === body) return existing.html_url
      const {data} = await octokit.rest.issues.updateComment({
        ...github.repository,
        comment_id: existing.id,
        body
      })
      io.info(`Updated the plan comment on pull request #${github.pullRequestNumber}`)
      return data.html_url
    }
    const {data} = await octokit.rest.issues.createComment({...target, body})
    io.info(`Commented the plan on pull request #${github.pullRequestNumber}`)
    return data.html_url
  } catch (error) {
    io.warning(
      `Could not comment the plan on pull request #${github.pullRequestNumber}: ${(error as Error).message}. The job needs 'pull-requests: write' (a pull request from a fork gets a read-only token); the plan is in the job summary.`
    )
    return undefined
  }
}
