import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {vi} from 'vitest'
import {publishChanges, type PublishResult} from '../../src/github/publish.js'
import type {GitHubSettings} from '../../src/settings.js'
import {startFakeGitHub, type FakeGitHub} from '../helpers/fake-github.js'
import {
  createGitFixture,
  isolateGit,
  recordingIo,
  testSettings,
  type GitFixture
} from './git-fixture.js'

const TOKEN = 'ghs_publishTestToken0123456789abcdef'
const BRANCH = 'optimize-as-code/export'
const BOT = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>'

let fake: FakeGitHub
let fixture: GitFixture
let io: ReturnType<typeof recordingIo>

beforeAll(async () => {
  fake = await startFakeGitHub({owner: 'octo-org', repo: 'dashboards'})
})
afterAll(async () => fake.close())

beforeEach(async () => {
  isolateGit()
  fake.pulls.length = 0
  fake.requests.length = 0
  fake.violations.length = 0
  fixture = await createGitFixture()
  io = recordingIo()
})

afterEach(async () => {
  expect(fake.violations).toEqual([])
  // The token reaches git and GitHub, never a log line.
  expect(io.lines.join('\n')).not.toContain(TOKEN)
  await fixture.cleanup()
  vi.unstubAllEnvs()
})

function settings(github: Partial<GitHubSettings> = {}): ReturnType<typeof testSettings> {
  return testSettings(fixture.workspace, {
    token: TOKEN,
    apiUrl: fake.url,
    repository: {owner: fake.owner, repo: fake.repo},
    prLabels: ['optimize', 'automated'],
    ...github
  })
}

async function publish(
  summaryMarkdown: string,
  github: Partial<GitHubSettings> = {},
  options: Parameters<typeof publishChanges>[3] = {}
): Promise<PublishResult> {
  return publishChanges(settings(github), io, {summaryMarkdown}, {retryAfterBaseMs: 1, ...options})
}

/** Commits on the branch that are not on main, and the branch's file list. */
async function branchState(): Promise<{
  count: string
  parent: string
  files: string
  author: string
}> {
  const git = (args: string[]): Promise<string> => fixture.git(args, fixture.origin)
  return {
    count: await git(['rev-list', '--count', `main..${BRANCH}`]),
    parent:
      (await git(['rev-parse', `${BRANCH}^`])) === (await git(['rev-parse', 'main']))
        ? 'main'
        : 'other',
    files: await git(['ls-tree', '-r', '--name-only', BRANCH]),
    author: await git(['log', '-1', '--format=%an <%ae>', BRANCH])
  }
}

async function workspaceState(): Promise<string> {
  return [
    await fixture.git(['symbolic-ref', 'HEAD']),
    await fixture.git(['rev-parse', 'HEAD']),
    await fixture.git(['status', '--porcelain'])
  ].join('\n')
}

describe('publishChanges, commit: pull-request', () => {
  it('opens a pull request with one commit on top of the default branch', async () => {
    await fixture.writeExport({'dashboards/sales.json': '{"v":1}\n'})
    const before = await workspaceState()

    const result = await publish('## Optimize changes\n\nfirst')

    expect(result).toMatchObject({mode: 'pull-request', changed: true, pullRequestNumber: 1})
    expect(result.pullRequestUrl).toBe('https://github.test/octo-org/dashboards/pull/1')
    expect(await branchState()).toEqual({
      count: '1',
      parent: 'main',
      files: 'README.md\noptimize/dashboards/sales.json',
      author: BOT
    })
    expect(result.commitSha).toBe(await fixture.git(['rev-parse', BRANCH], fixture.origin))
    expect(fake.pulls).toEqual([
      expect.objectContaining({
        number: 1,
        head: BRANCH,
        base: 'main',
        title: 'Update Optimize dashboards',
        body: '## Optimize changes\n\nfirst',
        labels: ['optimize', 'automated']
      })
    ])
    // The user's checkout is where it was: same branch, same commit, same status.
    expect(await workspaceState()).toBe(before)
    expect(await fixture.git(['config', '--list', '--local'])).not.toContain('extraheader')
  })

  it('updates the same pull request in place on a second run with other content', async () => {
    await fixture.writeExport({'dashboards/sales.json': '{"v":1}\n', 'reports/a.json': '{}\n'})
    await publish('first')
    await fixture.writeExport({'dashboards/sales.json': '{"v":2}\n'})

    const result = await publish('second')

    expect(result).toMatchObject({changed: true, pullRequestNumber: 1})
    expect(fake.pulls).toHaveLength(1)
    expect(fake.pulls[0]).toMatchObject({body: 'second', state: 'open'})
    expect(await branchState()).toMatchObject({
      count: '1',
      parent: 'main',
      files: 'README.md\noptimize/dashboards/sales.json'
    })
    expect(
      await fixture.git(['show', `${BRANCH}:optimize/dashboards/sales.json`], fixture.origin)
    ).toBe('{"v":2}')
  })

  it('makes no commit, push or pull-request update when the branch already holds the content', async () => {
    await fixture.writeExport({'dashboards/sales.json': '{"v":1}\n'})
    const first = await publish('first')
    const sha = await fixture.git(['rev-parse', BRANCH], fixture.origin)
    fake.requests.length = 0

    const again = await publish('first, again')

    expect(again).toMatchObject({changed: false, commitSha: first.commitSha, pullRequestNumber: 1})
    expect(await fixture.git(['rev-parse', BRANCH], fixture.origin)).toBe(sha)
    expect(fake.requests.map(r => r.operation)).toEqual(['repos/get', 'pulls/list'])
    expect(fake.pulls[0].body).toBe('first')
  })

  it('pushes nothing and leaves an open pull request alone when the export equals the base', async () => {
    await fixture.writeExport({'dashboards/sales.json': '{"v":1}\n'})
    await publish('first')
    const sha = await fixture.git(['rev-parse', BRANCH], fixture.origin)
    await fixture.git(['add', 'optimize'])
    await fixture.git(['commit', '-q', '-m', 'Merge the export'])
    await fixture.git(['push', '-q', 'origin', 'main'])

    const result = await publish('nothing new')

    expect(result).toEqual({mode: 'pull-request', changed: false})
    expect(await fixture.git(['rev-parse', BRANCH], fixture.origin)).toBe(sha)
    expect(fake.pulls[0].body).toBe('first')
    expect(io.lines).toContainEqual(expect.stringContaining("equal 'main'"))
    expect(io.lines).toContainEqual(expect.stringContaining('Pull request #1 was left as it is'))
  })

  it('uses the configured base branch without asking for the default one', async () => {
    await fixture.git(['push', '-q', 'origin', 'main:release'])
    await fixture.writeExport({'a.json': '{}\n'})

    await publish('to release', {base: 'release'})

    expect(fake.requests.map(r => r.operation)).not.toContain('repos/get')
    expect(fake.pulls[0].base).toBe('release')
  })

  it('ends with this run’s content when another writer pushes to the branch mid-run', async () => {
    await fixture.writeExport({'dashboards/sales.json': '{"v":1}\n'})
    await publish('first')
    const other = await fixture.clone('other')
    await fixture.writeExport({'dashboards/sales.json': '{"v":3}\n'})

    const result = await publish(
      'mine',
      {},
      {
        beforePush: async attempt => {
          if (attempt !== 1) return
          // Another run force-pushes its own single commit between our fetch and our push.
          await fixture.git(['fetch', '-q', 'origin', BRANCH], other)
          await fixture.git(['checkout', '-q', '-b', 'theirs', 'FETCH_HEAD'], other)
          await fixture.git(['commit', '-q', '--amend', '-m', 'Their export'], other)
          await fixture.git(['push', '-q', '--force', 'origin', `theirs:${BRANCH}`], other)
        }
      }
    )

    expect(result).toMatchObject({changed: true, pullRequestNumber: 1})
    expect(await branchState()).toMatchObject({count: '1', parent: 'main'})
    expect(
      await fixture.git(['show', `${BRANCH}:optimize/dashboards/sales.json`], fixture.origin)
    ).toBe('{"v":3}')
    expect(io.lines).toContainEqual(expect.stringMatching(/warning: Branch .* changed on origin/))
    expect(fake.pulls[0].body).toBe('mine')
  })

  it('gives up with a clear message when the branch keeps changing', async () => {
    await fixture.writeExport({'dashboards/sales.json': '{"v":1}\n'})
    await publish('first')
    await fixture.writeExport({'dashboards/sales.json': '{"v":2}\n'})
    let n = 0
    const bump = async (): Promise<void> => {
      const sha = await fixture.git(['rev-parse', BRANCH], fixture.origin)
      const tree = await fixture.git(['rev-parse', `${sha}^{tree}`], fixture.origin)
      const main = await fixture.git(['rev-parse', 'main'], fixture.origin)
      const commit = await fixture.git(
        ['commit-tree', tree, '-p', main, '-m', `other ${++n}`],
        fixture.origin
      )
      await fixture.git(['update-ref', `refs/heads/${BRANCH}`, commit], fixture.origin)
    }

    await expect(publish('mine', {}, {beforePush: bump, maxAttempts: 2})).rejects.toThrow(
      /kept changing while this export was pushed \(2 attempts\)/
    )
  })
})

describe('publishChanges, GitHub API failures', () => {
  beforeEach(async () => fixture.writeExport({'a.json': '{}\n'}))

  it.each([
    [
      'pulls/create',
      403,
      'Resource not accessible by integration',
      /create the pull request .*lacks the 'pull-requests: write' permission.*\n\npermissions:\n {2}contents: write\n {2}pull-requests: write/s
    ],
    [
      'pulls/create',
      403,
      'GitHub Actions is not permitted to create or approve pull requests.',
      /Allow GitHub Actions to create and approve pull requests/
    ],
    [
      'repos/get',
      404,
      'Not Found',
      /read the repository in octo-org\/dashboards \(404 Not Found.*\): the repository was not found/
    ]
  ] as const)('explains a %s %d (%s)', async (operation, status, message, expected) => {
    fake.fail(operation, {status, message})

    await expect(publish('x')).rejects.toThrow(expected)
  })

  it('says when the rate limit is exhausted', async () => {
    fake.fail('repos/get', {
      status: 403,
      message: 'API rate limit exceeded for installation.',
      headers: {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600'}
    })

    await expect(publish('x')).rejects.toThrow(
      'the GitHub API rate limit is exhausted. It resets at 2026-01-01T00:00:00.000Z.'
    )
  })

  it('retries a 502 and then succeeds', async () => {
    fake.fail('pulls/list', {status: 502, message: 'Bad Gateway', times: 2})

    const result = await publish('x')

    expect(result.pullRequestNumber).toBe(1)
    expect(fake.requests.filter(r => r.operation === 'pulls/list')).toHaveLength(3)
  })

  it('sends the token to GitHub and masks it first', async () => {
    await publish('x')

    expect(fake.requests.every(r => r.authorization === `token ${TOKEN}`)).toBe(true)
    expect(io.secrets).toContain(TOKEN)
  })

  it('needs a token and a repository', async () => {
    await expect(publish('x', {token: undefined})).rejects.toThrow(
      "Input 'github-token' is required"
    )
    await expect(publish('x', {repository: undefined})).rejects.toThrow(
      'GITHUB_REPOSITORY is not set'
    )
  })
})
