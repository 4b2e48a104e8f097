import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'
import {layoutTree} from '../../src/entities/layout.js'
import {publishChanges} from '../../src/github/publish.js'
import {Folder} from '../../src/workspace/files.js'
import {commitJournal, stagedPath, startStaging} from '../../src/workspace/journal.js'
import {dashboard, report, reportTile, tree, uuid} from './builders.js'
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

/** The files of a real export: one dashboard with two reports, and the manifest. */
function exportFiles(): Record<string, string> {
  const [a, b] = [uuid(), uuid()]
  const files = layoutTree(
    tree(
      [dashboard(uuid(), 'Sales', [reportTile(a, 0, 0), reportTile(b, 6, 0)])],
      [report(a, 'Revenue'), report(b, 'Orders')]
    )
  )
  return Object.fromEntries(files.map(file => [file.path, file.content]))
}

describe('publishChanges never publishes a half-written tree', () => {
  it('refuses a folder whose manifest does not list exactly its files, naming each', async () => {
    const files = exportFiles()
    delete files['reports/orders.json']
    files['reports/revenue.json.4242.tmp'] = '{"id": "half'
    await fixture.writeExport(files)
    const head = await fixture.git(['rev-parse', 'main'], fixture.origin)

    await expect(
      publishChanges(testSettings(fixture.workspace, {mode: 'push'}), recordingIo(), {
        summaryMarkdown: ''
      })
    ).rejects.toThrow(
      'Refusing to commit optimize: it is not a whole export (optimize/reports/orders.json: listed in optimize-as-code.json, but missing; optimize/reports/revenue.json.4242.tmp: not listed in optimize-as-code.json). Nothing was committed or pushed. Run the export again, and remove by hand any file in dashboards/ or reports/ that export did not write.'
    )
    expect(await fixture.git(['rev-parse', 'main'], fixture.origin)).toBe(head)
  })

  it('refuses a file that does not parse', async () => {
    const files = exportFiles()
    files['reports/orders.json'] = files['reports/orders.json'].slice(0, 40)
    await fixture.writeExport(files)
    await expect(
      publishChanges(testSettings(fixture.workspace, {mode: 'push'}), recordingIo(), {
        summaryMarkdown: ''
      })
    ).rejects.toThrow(/Refusing to commit optimize: .*optimize\/reports\/orders.json:\d+: /)
  })

  it('completes a write an earlier run was killed in, then commits the whole new tree', async () => {
    const files = exportFiles()
    const {'reports/orders.json': orders, ...old} = files
    await fixture.writeExport(old)
    // The earlier run had committed its journal and died before moving orders.json into place.
    const folder = new Folder(path.join(fixture.workspace, 'optimize'))
    startStaging(folder)
    folder.makeFolders('.optimize-as-code-staging/reports')
    folder.create(stagedPath('reports/orders.json'), orders)
    commitJournal(folder, {write: ['reports/orders.json'], remove: []})
    const io = recordingIo()

    await publishChanges(testSettings(fixture.workspace, {mode: 'push'}), io, {summaryMarkdown: ''})

    expect(io.lines.join('\n')).toMatch(/completed its write \(1 files written, 0 removed\)/)
    expect(await fixture.git(['ls-tree', '-r', '--name-only', 'main'], fixture.origin)).toBe(
      [
        'README.md',
        ...Object.keys(files)
          .map(file => `optimize/${file}`)
          .sort()
      ].join('\n')
    )
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
