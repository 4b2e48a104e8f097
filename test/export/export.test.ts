import {execFileSync} from 'node:child_process'
import {readdir, readFile, symlink, writeFile, mkdir} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js'
import type {InputName} from '../../src/constants.js'
import {runExport} from '../../src/export.js'
import {OptimizeClient} from '../../src/optimize/client.js'
import {runValidate} from '../../src/validate.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'
import {templateExport} from '../helpers/fixtures.js'

const emulators: Emulator[] = []
afterEach(async () => {
  await Promise.all(emulators.splice(0).map(async e => e.close()))
})

async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator(options)
  emulators.push(emu)
  return emu
}

async function exportOnce(
  emu: Emulator,
  workspace: string,
  inputs: Partial<Record<InputName, string>>
) {
  const io = recordingIo()
  const settings = makeSettings(
    {'optimize-url': emu.url, 'access-token': emu.token, commit: 'none', ...inputs},
    {workspace, io}
  )
  const client = OptimizeClient.create({...settings.connection!, retryBaseMs: 5}, io)
  const outcome = await runExport(settings, io, {client})
  return {outcome, io, client}
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(dir, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    files[path.relative(dir, full)] = await readFile(full, 'utf8')
  }
  return files
}

describe('export', () => {
  it('exports listed dashboards with all their reports, one file each', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds, reportIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 3,
      reportsPerDashboard: 4,
      seed: 7
    })
    const workspace = await tempDir()
    const {outcome} = await exportOnce(emu, workspace, {
      'dashboard-ids': dashboardIds.slice(0, 2).join('\n')
    })
    const files = Object.keys(await snapshot(path.join(workspace, 'optimize')))
    expect(files.filter(f => f.startsWith('dashboards/') && f.endsWith('.json'))).toHaveLength(2)
    expect(outcome.after.reports.length).toBeGreaterThan(0)
    expect(outcome.after.reports.every(r => reportIds.includes(r.entity.id))).toBe(true)
    expect(outcome.result.outputs.changed).toBe('true')
    expect(JSON.parse(outcome.result.outputs.files)).toContain('optimize/optimize-as-code.json')
  })

  it('exports a whole collection in 3 + ceil(dashboards / batch size) requests (two listings and the collection first)', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 25, reportsPerDashboard: 3, seed: 3})
    const workspace = await tempDir()
    const {outcome, client} = await exportOnce(emu, workspace, {
      'collection-id': 'dev',
      'batch-size': '10'
    })
    expect(outcome.after.dashboards).toHaveLength(25)
    const standalone = emu.state.listReports('dev').length - outcome.after.reports.length
    expect(standalone).toBe(0)
    expect(client.requestCount).toBe(3 + 3)
    expect(emu.requests.count('exportDashboards')).toBe(3)
  })

  it('exports reports that sit on no dashboard of the collection', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 1, reportsPerDashboard: 2, seed: 1})
    const [report] = emu.state.listReports('dev')
    const loose = {
      ...structuredClone(report),
      id: '11111111-2222-4333-8444-555555555555',
      name: 'Loose report'
    }
    emu.state.putEntity(loose, 'dev')
    const workspace = await tempDir()
    const {outcome} = await exportOnce(emu, workspace, {'collection-id': 'dev'})
    expect(outcome.after.reports.map(r => r.entity.name)).toContain('Loose report')
    expect(emu.requests.count('exportReports')).toBe(1)
  })

  it('is byte-stable: a second export with shuffled responses changes no byte', async () => {
    const emu = await emulator({shuffleSeed: 1})
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 5, reportsPerDashboard: 4, seed: 11})
    const workspace = await tempDir()
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const first = await snapshot(path.join(workspace, 'optimize'))

    const shuffled = await emulator({shuffleSeed: 99})
    shuffled.state.addCollection({id: 'dev', name: 'Dev'})
    shuffled.state.generate({collectionId: 'dev', dashboards: 5, reportsPerDashboard: 4, seed: 11})
    const {outcome} = await exportOnce(shuffled, workspace, {'collection-id': 'dev'})
    expect(await snapshot(path.join(workspace, 'optimize'))).toEqual(first)
    expect(outcome.result.outputs.changed).toBe('false')
    expect(outcome.changedFiles).toEqual([])
  })

  it('gives an empty git diff when nothing changed', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 2, reportsPerDashboard: 2, seed: 5})
    const workspace = await tempDir()
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: workspace,
        env: {
          ...process.env,
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@t',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@t'
        }
      }).toString()
    git('init', '-q', '-b', 'main')
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    git('add', '-A')
    git('commit', '-q', '-m', 'export')
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    expect(git('status', '--porcelain')).toBe('')
  })

  it('moves the file of a renamed dashboard and leaves no orphan', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 1,
      reportsPerDashboard: 2,
      seed: 2
    })
    const workspace = await tempDir()
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    emu.state.updateDashboard(dashboardIds[0], d => {
      d.name = 'Renamed board'
    })
    const {outcome} = await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const dashboards = await readdir(path.join(workspace, 'optimize', 'dashboards'))
    expect(dashboards.filter(f => f.endsWith('.json'))).toEqual(['renamed-board.json'])
    expect(outcome.changedFiles.some(f => f.endsWith('renamed-board.json'))).toBe(true)
  })

  it('never touches files it did not write, and refuses to overwrite one', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 1, reportsPerDashboard: 1, seed: 4})
    const workspace = await tempDir()
    const root = path.join(workspace, 'optimize')
    await mkdir(path.join(root, 'reports'), {recursive: true})
    await writeFile(path.join(root, 'README.md'), 'ours\n')
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    expect(await readFile(path.join(root, 'README.md'), 'utf8')).toBe('ours\n')

    const other = await tempDir()
    const {outcome} = await exportOnce(emu, other, {'collection-id': 'dev'})
    const reportFile =
      outcome.result.outputs.files &&
      JSON.parse(outcome.result.outputs.files).find((f: string) => f.includes('/reports/'))
    await mkdir(path.join(workspace, 'fresh', 'reports'), {recursive: true})
    await writeFile(
      path.join(workspace, 'fresh', reportFile.replace('optimize/', '')),
      'hand-made\n'
    )
    await expect(
      exportOnce(emu, workspace, {'collection-id': 'dev', path: 'fresh'})
    ).rejects.toThrow(/exists but was not written by optimize-as-code/)
  })

  it('leaves the folder as it was when a request fails halfway', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 6, reportsPerDashboard: 2, seed: 9})
    const workspace = await tempDir()
    await exportOnce(emu, workspace, {'collection-id': 'dev', 'batch-size': '2'})
    const before = await snapshot(path.join(workspace, 'optimize'))
    for (const dashboard of emu.state.listDashboards('dev')) {
      emu.state.updateDashboard(String(dashboard.id), d => {
        d.name = `${String(d.name)} v2`
      })
    }
    emu.faults.add({route: 'exportDashboards', skip: 2, status: 500, times: Infinity})
    await expect(
      exportOnce(emu, workspace, {'collection-id': 'dev', 'batch-size': '2'})
    ).rejects.toThrow(/POST \/api\/public\/export\/dashboard\/definition\/json failed: 500/)
    expect(await snapshot(path.join(workspace, 'optimize'))).toEqual(before)
  })

  it('names the missing IDs when Optimize fails a batch with 404', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 1, reportsPerDashboard: 1, seed: 4})
    const [dashboard] = emu.state.listDashboards('dev')
    await expect(
      exportOnce(emu, await tempDir(), {
        'dashboard-ids': `${String(dashboard.id)}, no-such-dashboard`
      })
    ).rejects.toThrow(
      /404 notFoundError — Could not find dashboards with IDs \[no-such-dashboard\]/
    )
  })

  it('stores a report shared by names safely: the real fixture exports and files are unique', async () => {
    const emu = await emulator()
    emu.state.seedEntities(templateExport(), {collectionId: 'dev', createCollection: true})
    const workspace = await tempDir()
    const {outcome} = await exportOnce(emu, workspace, {'collection-id': 'dev'})
    expect(outcome.after.dashboards).toHaveLength(1)
    expect(outcome.after.reports).toHaveLength(8)
    const files = await snapshot(path.join(workspace, 'optimize'))
    expect(Object.keys(files).filter(f => f.startsWith('reports/'))).toHaveLength(8)
    for (const content of Object.values(files)) {
      expect(content).not.toContain('"collectionId"')
      expect(content).not.toContain('"userTaskReport"')
    }
  })

  it('writes hostile names under safe, distinct file names and keeps the names faithfully', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 6,
      reportsPerDashboard: 1,
      seed: 8
    })
    const names = [
      '../../etc/passwd',
      'a/b\\c',
      'Sales',
      'sales',
      '\u202Egnp.exe\u0007',
      'x'.repeat(10_000)
    ]
    dashboardIds.forEach((id, i) =>
      emu.state.updateDashboard(id, d => {
        d.name = names[i]
      })
    )
    const workspace = await tempDir()
    const {outcome} = await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const files = (await readdir(path.join(workspace, 'optimize', 'dashboards'))).filter(f =>
      f.endsWith('.json')
    )
    expect(files).toHaveLength(6)
    for (const file of files) expect(file).toMatch(/^[a-z0-9-]{1,80}\.json$/)
    expect(outcome.after.dashboards.map(d => d.entity.name).sort()).toEqual([...names].sort())
  })

  it('refuses an unknown collection before writing: the folder stays byte for byte as it was', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 2, reportsPerDashboard: 2, seed: 4})
    const workspace = await tempDir()
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const before = await snapshot(path.join(workspace, 'optimize'))

    await expect(exportOnce(emu, workspace, {'collection-id': 'dve'})).rejects.toThrow(
      "Collection 'dve' does not exist in Optimize (GET /api/public/collection/dve answered 404); nothing was written. Check the input 'collection-id'."
    )
    expect(await snapshot(path.join(workspace, 'optimize'))).toEqual(before)
  })

  it('before 8.6, refuses a collection that lists nothing while the folder holds its entities', async () => {
    const emu = await emulator({profile: '3.10'})
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 2,
      reportsPerDashboard: 2,
      seed: 4
    })
    // Reports only: exporting 3.x dashboards (their legacy `reports` field) is not supported.
    for (const id of dashboardIds) emu.state.removeDashboard(id)
    const workspace = await tempDir()
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const before = await snapshot(path.join(workspace, 'optimize'))

    await expect(exportOnce(emu, workspace, {'collection-id': 'dve'})).rejects.toThrow(
      /Collection 'dve' lists nothing, but optimize holds \d+ of its dashboards and reports: nothing was written/
    )
    expect(await snapshot(path.join(workspace, 'optimize'))).toEqual(before)
    // A fresh folder: an empty or unknown collection cannot be told apart; it is said, not guessed.
    const {io} = await exportOnce(emu, await tempDir(), {'collection-id': 'dve'})
    expect(io.warnings.map(w => w.message).join()).toMatch(
      /lists nothing: it is empty or does not exist/
    )
  })

  it('refuses an entity whose file would exceed the size validate accepts, naming it', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {reportIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 1,
      reportsPerDashboard: 2,
      seed: 4
    })
    const workspace = await tempDir()
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const before = await snapshot(path.join(workspace, 'optimize'))
    let name = ''
    emu.state.updateReport(reportIds[1], r => {
      name = String(r.name)
      ;(r.data as {configuration: Record<string, unknown>}).configuration.note = 'x'.repeat(
        10 * 1024 * 1024
      )
    })
    await expect(exportOnce(emu, workspace, {'collection-id': 'dev'})).rejects.toThrow(
      new RegExp(
        `reports/${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}[^ ]*\\.json would be \\d+ bytes, over the limit of 10485760 bytes that validate and import apply`
      )
    )
    expect(await snapshot(path.join(workspace, 'optimize'))).toEqual(before)
  })

  it('takes a report repeated in one export as one, and refuses two different versions of it', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds, reportIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 2,
      reportsPerDashboard: 2,
      seed: 6
    })
    // The second dashboard shows the first one's first report too.
    const shared = reportIds.find(id =>
      (emu.state.getDashboard(dashboardIds[0])?.tiles as {id: string}[]).some(t => t.id === id)
    ) as string
    emu.state.updateDashboard(dashboardIds[1], d => {
      ;(d.tiles as unknown[]).push({
        id: shared,
        type: 'optimize_report',
        position: {x: 0, y: 40},
        dimensions: {width: 4, height: 4},
        configuration: null
      })
    })
    const workspace = await tempDir()
    // One dashboard a batch: the shared report comes in both answers, alike.
    const {outcome} = await exportOnce(emu, workspace, {'collection-id': 'dev', 'batch-size': '1'})
    expect(outcome.after.reports.filter(r => r.entity.id === shared)).toHaveLength(1)
    const before = await snapshot(path.join(workspace, 'optimize'))

    // The second answer carries another version of it (changed between the two requests).
    const response = await fetch(`${emu.url}/api/public/export/dashboard/definition/json`, {
      method: 'POST',
      headers: {authorization: `Bearer ${emu.token}`, 'content-type': 'application/json'},
      body: JSON.stringify([dashboardIds[1]])
    })
    const answer = (await response.json()) as {id: string; name: string}[]
    for (const entity of answer) if (entity.id === shared) entity.name = 'Renamed meanwhile'
    emu.faults.add({
      route: 'exportDashboards',
      skip: 1,
      status: 200,
      headers: {'content-type': 'application/json'},
      body: JSON.stringify(answer)
    })
    await expect(
      exportOnce(emu, workspace, {'collection-id': 'dev', 'batch-size': '1'})
    ).rejects.toThrow(
      new RegExp(
        `Optimize answered two different versions of report ${shared} \\('.*'\\) in one export; nothing was written`
      )
    )
    expect(await snapshot(path.join(workspace, 'optimize'))).toEqual(before)
  })

  it('exports the other dashboards when one has a dangling tile, keeps its files and names it', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 3,
      reportsPerDashboard: 2,
      seed: 12
    })
    const workspace = await tempDir()
    const root = path.join(workspace, 'optimize')
    await exportOnce(emu, workspace, {'collection-id': 'dev', 'batch-size': '2'})
    const before = await snapshot(root)
    const [changed, broken] = dashboardIds
    const brokenBoard = emu.state.getDashboard(broken) as {name: string; tiles: {id: string}[]}
    const deleted = brokenBoard.tiles.find(t => /^[0-9a-f-]{36}$/.test(t.id))?.id as string
    // Deleted without the cascade Optimize's own delete does: the dashboard's tile now dangles.
    emu.state.removeReport(deleted)
    emu.state.updateDashboard(changed, d => void (d.name = 'Changed board'))

    const {outcome, io} = await exportOnce(emu, workspace, {
      'collection-id': 'dev',
      'batch-size': '2'
    })

    const warning = io.warnings.find(w => w.message.includes(broken))?.message
    expect(warning).toContain(
      `Dashboard ${broken} ('${brokenBoard.name}') was not exported: Optimize answered 500 "Could not retrieve some reports required by this dashboard."`
    )
    expect(outcome.result.summary).toContain(`Dashboard ${broken}`)
    const after = await snapshot(root)
    // The broken dashboard's files, and the deleted report's, are as they were.
    const brokenFiles = Object.keys(before).filter(
      file =>
        file !== 'optimize-as-code.json' &&
        (before[file].includes(`"id": "${broken}"`) || before[file].includes(`"id": "${deleted}"`))
    )
    const svg = brokenFiles.find(f => f.startsWith('dashboards/'))?.replace(/\.json$/, '.svg')
    expect(brokenFiles).toHaveLength(2)
    for (const file of [...brokenFiles, svg as string]) expect(after[file], file).toBe(before[file])
    // The others are exported.
    expect(Object.keys(after)).toContain('dashboards/changed-board.json')
    const validated = makeSettings({command: 'validate'}, {workspace})
    await expect(runValidate(validated, recordingIo())).resolves.toBeDefined()
  })

  it('refuses to write through a symbolic link where a new entity file would go', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 1,
      reportsPerDashboard: 1,
      seed: 4
    })
    const workspace = await tempDir()
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    emu.state.updateDashboard(dashboardIds[0], d => void (d.name = 'New name'))
    const outside = path.join(await tempDir(), 'victim.json')
    await writeFile(outside, 'keep\n')
    await symlink(outside, path.join(workspace, 'optimize/dashboards/new-name.json'))
    const before = await snapshot(path.join(workspace, 'optimize'))
    await expect(exportOnce(emu, workspace, {'collection-id': 'dev'})).rejects.toThrow(
      "Refusing to write 'dashboards/new-name.json': it is a symbolic link."
    )
    expect(await readFile(outside, 'utf8')).toBe('keep\n')
    expect(await snapshot(path.join(workspace, 'optimize'))).toEqual(before)
  })

  it('marks the tiles that changed in the picture, and keeps the marks until the next change', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 1,
      reportsPerDashboard: 3,
      seed: 2
    })
    const workspace = await tempDir()
    const root = path.join(workspace, 'optimize')
    const picture = async (): Promise<string> => {
      const [svg] = (await readdir(path.join(root, 'dashboards'))).filter(f => f.endsWith('.svg'))
      return readFile(path.join(root, 'dashboards', svg), 'utf8')
    }
    const marked = (svg: string): string[] =>
      [...svg.matchAll(/<g data-mark="(\w+)">\n<title>([^<]*)<\/title>/g)].map(
        m => `${m[1]}: ${m[2]}`
      )
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    // A first export has nothing to compare with.
    expect(marked(await picture())).toEqual([])

    const tiles = emu.state.getDashboard(dashboardIds[0])!.tiles as {id: string; type: string}[]
    const [first, second] = tiles.filter(t => t.type === 'optimize_report').map(t => t.id)
    let name = ''
    emu.state.updateReport(first, r => {
      name = String(r.name)
      ;(r.data as {visualization: string}).visualization = 'heat'
    })
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const afterChange = await picture()
    expect(marked(afterChange)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^changed: ${escapeRegExp(name)} \\((decision · )?heat\\) \\(changed since the previous export\\)$`
        )
      )
    ])

    // Nothing new: the picture keeps its marks, and no file is written.
    const {outcome} = await exportOnce(emu, workspace, {'collection-id': 'dev'})
    expect(outcome.changedFiles).toEqual([])
    expect(await picture()).toBe(afterChange)

    // The next change marks what it changed, and only that.
    emu.state.updateDashboard(dashboardIds[0], d => {
      const tile = (d.tiles as {id: string; position: {x: number; y: number}}[]).find(
        t => t.id === second
      )!
      tile.position = {x: 12, y: 40}
    })
    await exportOnce(emu, workspace, {'collection-id': 'dev'})
    const secondName = String(emu.state.getReport(second)!.name)
    expect(marked(await picture())).toEqual([
      expect.stringMatching(new RegExp(`^changed: ${escapeRegExp(secondName)} \\(`))
    ])
  })

  it('links each dashboard to Optimize in the summary, and folds the list of exported dashboards', async () => {
    const emu = await emulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'dev',
      dashboards: 2,
      reportsPerDashboard: 1,
      seed: 3
    })
    const {outcome} = await exportOnce(emu, await tempDir(), {'collection-id': 'dev'})
    const summary = outcome.result.summary

    expect(summary).toContain('<details><summary>2 exported dashboards</summary>\n\n| Dashboard |')
    for (const id of dashboardIds) {
      expect(summary).toContain(`[\`${id}\`](${emu.url}/#/dashboard/${id}/)`)
      expect(summary).toContain(` · [Optimize](${emu.url}/#/dashboard/${id}/)`)
    }
    // commit: none: the files are in no branch to link to.
    expect(summary).not.toContain('[JSON]')
  })
})
