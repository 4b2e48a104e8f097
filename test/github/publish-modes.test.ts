import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {publishChanges} from '../../src/github/publish.js'
import {
  createGitFixture,
  isolateGit,
  recordingIo,
  testSettings,
  type GitFixture
} from './git-fixture.js'

const BOT = 'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>'

let fixture: GitFixture

beforeEach(async () => {
  isolateGit()
  fixture = await createGitFixture()
})

afterEach(async () => {
  await fixture.cleanup()
  vi.unstubAllEnvs()
})

describe('publishChanges, commit: push', () => {
  it('commits only the exported folder to the current branch and pushes it', async () => {
    await fixture.writeExport({'dashboards/a.json': '{}\n'})
    // Something the user staged elsewhere must not ride along.
    await writeFile(path.join(fixture.workspace, 'notes.txt'), 'mine\n')
    await fixture.git(['add', 'notes.txt'])
    const io = recordingIo()

    const result = await publishChanges(testSettings(fixture.workspace, {mode: 'push'}), io, {
      summaryMarkdown: ''
    })

    expect(result).toMatchObject({mode: 'push', changed: true})
    const remoteMain = await fixture.git(['rev-parse', 'main'], fixture.origin)
    expect(result.commitSha).toBe(remoteMain)
    expect(await fixture.git(['rev-parse', 'HEAD'])).toBe(remoteMain)
    expect(
      await fixture.git(['show', '--name-only', '--format=%an <%ae>|%s', 'main'], fixture.origin)
    ).toBe(`${BOT}|Update Optimize dashboards\n\noptimize/dashboards/a.json`)
    // The exported folder is clean; the user's staged file is still staged, uncommitted.
    expect(await fixture.git(['status', '--porcelain'])).toBe('A  notes.txt')
  })

  it('keeps a configured git identity', async () => {
    await fixture.git(['config', 'user.name', 'Release Bot'])
    await fixture.git(['config', 'user.email', 'release@example.test'])
    await fixture.writeExport({'a.json': '{}\n'})

    await publishChanges(testSettings(fixture.workspace, {mode: 'push'}), recordingIo(), {
      summaryMarkdown: ''
    })

    expect(await fixture.git(['log', '-1', '--format=%an <%ae>', 'main'], fixture.origin)).toBe(
      'Release Bot <release@example.test>'
    )
  })

  it('makes no commit when nothing changed', async () => {
    await fixture.writeExport({'a.json': '{}\n'})
    await publishChanges(testSettings(fixture.workspace, {mode: 'push'}), recordingIo(), {
      summaryMarkdown: ''
    })
    const sha = await fixture.git(['rev-parse', 'main'], fixture.origin)
    const io = recordingIo()

    const result = await publishChanges(testSettings(fixture.workspace, {mode: 'push'}), io, {
      summaryMarkdown: ''
    })

    expect(result).toEqual({mode: 'push', changed: false})
    expect(await fixture.git(['rev-parse', 'main'], fixture.origin)).toBe(sha)
    expect(io.lines).toContain('info: No changes under optimize; nothing to commit.')
  })

  it('commits deletions when the export removed files', async () => {
    await fixture.writeExport({'a.json': '{}\n', 'b.json': '{}\n'})
    const settings = testSettings(fixture.workspace, {mode: 'push'})
    await publishChanges(settings, recordingIo(), {summaryMarkdown: ''})
    await fixture.writeExport({'a.json': '{}\n'})

    await publishChanges(settings, recordingIo(), {summaryMarkdown: ''})

    expect(await fixture.git(['ls-tree', '-r', '--name-only', 'main'], fixture.origin)).toBe(
      'README.md\noptimize/a.json'
    )
  })

  it('refuses a detached HEAD', async () => {
    await fixture.git(['checkout', '-q', '--detach'])
    await fixture.writeExport({'a.json': '{}\n'})

    await expect(
      publishChanges(testSettings(fixture.workspace, {mode: 'push'}), recordingIo(), {
        summaryMarkdown: ''
      })
    ).rejects.toThrow(/HEAD is detached/)
  })
})

describe('publishChanges, commit: none', () => {
  it('does nothing, not even look for a repository', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'optimize-as-code-none-'))
    try {
      const io = recordingIo()

      const result = await publishChanges(testSettings(dir, {mode: 'none'}), io, {
        summaryMarkdown: ''
      })

      expect(result).toEqual({mode: 'none', changed: false})
      expect(io.lines).toEqual([
        'info: commit: none; the files under optimize are left uncommitted.'
      ])
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  })
})
