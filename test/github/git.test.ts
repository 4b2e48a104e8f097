import {createServer, type IncomingHttpHeaders} from 'node:http'
import type {AddressInfo} from 'node:net'
import {readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {Git, GitError} from '../../src/github/git.js'
import {publishChanges} from '../../src/github/publish.js'
import {
  createGitFixture,
  isolateGit,
  recordingIo,
  testSettings,
  type GitFixture
} from './git-fixture.js'

const TOKEN = 'ghs_gitTestToken_abcdefghijklmnopqrstuvwxyz'
const HEADER_VALUE = Buffer.from(`x-access-token:${TOKEN}`).toString('base64')

let fixture: GitFixture

beforeEach(async () => {
  isolateGit()
  fixture = await createGitFixture()
})

afterEach(async () => {
  await fixture.cleanup()
  vi.unstubAllEnvs()
})

/** An HTTP "git server" that refuses everything with 403, as GitHub does without contents: write. */
async function refusingRemote(): Promise<{
  url: string
  seen: IncomingHttpHeaders[]
  close(): Promise<void>
}> {
  const seen: IncomingHttpHeaders[] = []
  const server = createServer((req, res) => {
    seen.push(req.headersDistinct)
    res.writeHead(403, {'content-type': 'text/plain'})
    res.end('remote: Permission to octo-org/dashboards.git denied to github-actions[bot].\n')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/octo-org/dashboards.git`,
    seen,
    close: () => new Promise(resolve => server.close(() => resolve()))
  }
}

describe('Git', () => {
  it('names the command and git’s stderr when a command fails', async () => {
    const git = await Git.create(fixture.workspace)

    const error = await git.exec(['rev-parse', 'no-such-ref']).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(GitError)
    expect((error as GitError).message).toMatch(
      /^git rev-parse no-such-ref failed with exit code 128: .*unknown revision/s
    )
  })

  it('says when the folder is not a repository', async () => {
    await expect(Git.create(fixture.root)).rejects.toThrow(/not a git repository/)
  })

  it('accepts listed exit codes as answers', async () => {
    const git = await Git.create(fixture.workspace)

    const result = await git.exec(['config', '--get', 'user.name'], {allowedExitCodes: [1]})

    expect(result.exitCode).toBe(1)
  })

  it('masks the token and its header, sends them only to the remote, and never stores them', async () => {
    const remote = await refusingRemote()
    try {
      await fixture.git(['remote', 'set-url', 'origin', remote.url])
      const io = recordingIo()
      const git = await Git.create(fixture.workspace, {token: TOKEN, io})

      const error = (await git
        .exec(['push', 'origin', 'HEAD:refs/heads/x'], {auth: true})
        .catch((e: unknown) => e)) as GitError

      expect(io.secrets).toEqual([TOKEN, HEADER_VALUE])
      expect(remote.seen[0].authorization).toEqual([`basic ${HEADER_VALUE}`])
      expect(error.message).toContain('403')
      expect(`${error.message}${error.stderr}${error.args.join(' ')}`).not.toContain(TOKEN)
      expect(error.message).not.toContain(HEADER_VALUE)
      const config = await readFile(path.join(fixture.workspace, '.git', 'config'), 'utf8')
      expect(config).not.toContain(HEADER_VALUE)
      // Commands that don't talk to the remote don't get the header either.
      expect(
        await git.read(['config', '--get-regexp', 'extraheader'], {allowedExitCodes: [1]})
      ).toBe('')
    } finally {
      await remote.close()
    }
  })

  it('replaces a header actions/checkout persisted instead of sending two', async () => {
    const remote = await refusingRemote()
    try {
      await fixture.git(['remote', 'set-url', 'origin', remote.url])
      const scope = new URL(remote.url).origin
      await fixture.git([
        'config',
        `http.${scope}/.extraheader`,
        'AUTHORIZATION: basic cGVyc2lzdGVk'
      ])
      const git = await Git.create(fixture.workspace, {token: TOKEN})

      await git.exec(['ls-remote', 'origin'], {auth: true}).catch(() => undefined)

      expect(remote.seen[0].authorization).toEqual([`basic ${HEADER_VALUE}`])
    } finally {
      await remote.close()
    }
  })

  it('explains a refused push with the permission to add, without the token', async () => {
    const remote = await refusingRemote()
    try {
      await fixture.git(['remote', 'set-url', 'origin', remote.url])
      await fixture.writeExport({'a.json': '{}\n'})
      const io = recordingIo()
      const settings = testSettings(fixture.workspace, {mode: 'push', token: TOKEN})

      const error = (await publishChanges(settings, io, {summaryMarkdown: ''}).catch(
        (e: unknown) => e
      )) as Error

      expect(error.message).toMatch(/Pushing to origin was refused: .*403/s)
      expect(error.message).toContain("'contents: write'")
      expect(error.message).toContain('permissions:\n  contents: write')
      expect(error.message).not.toContain(TOKEN)
      expect(error.message).not.toContain(HEADER_VALUE)
      expect(io.lines.join('\n')).not.toContain(TOKEN)
    } finally {
      await remote.close()
    }
  })
})
