/**
 * The target side of the safety promise: an import never deletes what it
 * did not create or plan, never loses a dashboard, never leaves a duplicate,
 * and applies exactly the plan that was approved. Against the emulator on
 * loopback, through the real plan and import commands.
 */
import {cp, readFile, rm, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {CommandFailedError} from '../../src/command.js'
import {runImport} from '../../src/import.js'
import {runPlan} from '../../src/plan.js'
import {ensureBundle, runAction} from '../helpers/action.js'
import {recordingIo} from '../helpers/io.js'
import {tempDir} from '../helpers/temp.js'
import {
  TARGET_COLLECTION,
  TREE,
  dashboard,
  devWorkspace,
  processReport,
  reexport,
  snapshot,
  targetFor,
  targetSettings,
  importCalls
} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})

type Inputs = Parameters<typeof targetSettings>[2]

async function importOk(target: Emulator, workspace: string, inputs: Inputs = {}) {
  return runImport(targetSettings(target, workspace, {command: 'import', ...inputs}), recordingIo())
}

async function importError(
  target: Emulator,
  workspace: string,
  inputs: Inputs = {}
): Promise<CommandFailedError> {
  const error = await importOk(target, workspace, inputs).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(CommandFailedError)
  return error as CommandFailedError
}

async function hasChanges(target: Emulator, workspace: string): Promise<boolean> {
  const plan = await runPlan(targetSettings(target, workspace), recordingIo())
  return plan.outputs['has-changes'] === 'true'
}

/** Name → how many dashboards of the target collection have it. */
function dashboardCounts(target: Emulator): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const d of target.state.listDashboards(TARGET_COLLECTION))
    counts[String(d.name)] = (counts[String(d.name)] ?? 0) + 1
  return counts
}

/** Every tile of every dashboard in the target points at a report that exists. */
function danglingTiles(target: Emulator): string[] {
  const reports = new Set(target.state.listReports(TARGET_COLLECTION).map(r => String(r.id)))
  return target.state
    .listDashboards(TARGET_COLLECTION)
    .flatMap(d =>
      (d.tiles as {id: string; type?: string}[])
        .filter(t => t.type === 'optimize_report' && !reports.has(t.id))
        .map(t => `${String(d.name)} → ${t.id}`)
    )
}

/** Two entities a person makes in the target collection by hand. */
function handMade(target: Emulator): {dashboardId: string; reportId: string} {
  const report = processReport(0xbeef, 'Made by hand')
  const board = dashboard(0xbeee, 'Hand-made board', [report.id])
  target.state.putEntity(report, TARGET_COLLECTION)
  target.state.putEntity(board, TARGET_COLLECTION)
  return {dashboardId: board.id, reportId: report.id}
}

describe('a failed import deletes only what it created', () => {
  it('entities made by hand during a failing import survive its rollback; a rerun converges', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 3, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    let made: ReturnType<typeof handMade> | undefined
    // While Optimize handles the import, a person saves a dashboard; then a write fails.
    target.faults.add({route: 'import', before: () => void (made = handMade(target))})
    target.faults.failImportWrite(4)

    const error = await importError(target, workspace)
    expect(error.message).toMatch(/emulated database failure/)
    expect(made).toBeDefined()
    expect(target.state.getDashboard(made?.dashboardId ?? '')).toBeDefined()
    expect(target.state.getReport(made?.reportId ?? '')).toBeDefined()
    expect(dashboardCounts(target)).toEqual({'Hand-made board': 1})

    await importOk(target, workspace)
    expect(await hasChanges(target, workspace)).toBe(false)
    expect(target.state.getDashboard(made?.dashboardId ?? '')).toBeDefined()
    expect(Object.values(dashboardCounts(target))).toEqual([1, 1, 1, 1])
  })

  it('a lost answer (reset after Optimize wrote) takes back only the copies equal to what was sent', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    let made: ReturnType<typeof handMade> | undefined
    // Optimize writes everything, then the connection drops before the answer arrives.
    target.faults.add({route: 'import', before: () => void (made = handMade(target))})
    target.faults.add({route: 'import', delayMs: 0, truncate: true})
    const error = await importError(target, workspace)
    expect(error.message).toMatch(/import/i)
    expect(dashboardCounts(target)).toEqual({'Hand-made board': 1})
    expect(target.state.getReport(made?.reportId ?? '')).toBeDefined()
    expect(target.state.listReports(TARGET_COLLECTION)).toHaveLength(1)
  })
})

describe('imports running at the same time', () => {
  // Each scenario shifts one run against the other, so their steps interleave differently.
  const scenarios: [string, number, number][] = [
    ['started together', 0, 0],
    ['the second import call a little later', 0, 40],
    ['the first import call a little later', 40, 0]
  ]
  it.each(scenarios)(
    'two imports of the same release, %s: every dashboard exactly once, no dangling tile',
    async (_name, delayA, delayB) => {
      const {workspace, dev} = await devWorkspace({dashboards: 3, reportsPerDashboard: 2})
      const target = await targetFor(dev)
      running.push(dev, target)
      const older = await tempDir('oac-old-')
      await cp(workspace, older, {recursive: true})
      await importOk(target, older)
      // A change to every dashboard, so both runs replace all three.
      for (const d of dev.state.listDashboards('dev'))
        dev.state.updateDashboard(String(d.id), x => void (x.description = 'Release 2'))
      await reexport(dev, workspace)

      if (delayA) target.faults.add({route: 'import', delayMs: delayA})
      if (delayB) target.faults.add({route: 'import', skip: delayA ? 1 : 0, delayMs: delayB})
      const results = await Promise.allSettled([
        importOk(target, workspace),
        importOk(target, workspace)
      ])
      expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled'])
      expect(Object.values(dashboardCounts(target))).toEqual([1, 1, 1])
      expect(danglingTiles(target)).toEqual([])
      expect(await hasChanges(target, workspace)).toBe(false)
      // The run that ended last names the copies that stayed (the other may name one it
      // kept before the later run chose the same smallest id of all copies).
      const named = results.map(r =>
        r.status === 'fulfilled'
          ? Object.values(JSON.parse(r.value.outputs['imported-ids']) as Record<string, string>)
          : []
      )
      const exists = (ids: string[]): boolean => ids.every(id => target.state.getDashboard(id))
      expect(named.some(exists)).toBe(true)
    }
  )
})

describe('two workflow runs importing the same release', () => {
  it('two bundled actions started together leave every dashboard exactly once', async () => {
    ensureBundle()
    const {workspace, dev} = await devWorkspace({dashboards: 3, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    const inputs = {
      command: 'import',
      path: TREE,
      'optimize-url': target.url,
      'access-token': target.token,
      'collection-id': TARGET_COLLECTION
    }
    const runs = await Promise.all([
      runAction(inputs, {GITHUB_WORKSPACE: workspace}),
      runAction(inputs, {GITHUB_WORKSPACE: workspace})
    ])
    expect(runs.map(r => r.code)).toEqual([0, 0])
    expect(Object.values(dashboardCounts(target))).toEqual([1, 1, 1])
    expect(danglingTiles(target)).toEqual([])
    expect(await hasChanges(target, workspace)).toBe(false)
  }, 60_000)
})

describe('a run that fails after another run relied on its copy', () => {
  // Run A verifies its copy of the first dashboard; before A's second import call,
  // run B imports the same release from start to end (deleting the old versions);
  // then A's second call fails and A takes back what it made. Whichever copy B
  // kept (the smallest id of the equal copies), every dashboard stays exactly once.
  it.each([2, 3, 4, 5, 6, 7])('target id seed %i', async idSeed => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev, {idSeed})
    running.push(dev, target)
    const older = await tempDir('oac-old-')
    await cp(workspace, older, {recursive: true})
    await importOk(target, older)
    for (const d of dev.state.listDashboards('dev'))
      dev.state.updateDashboard(String(d.id), x => void (x.description = 'Release 2'))
    await reexport(dev, workspace)

    let b: Promise<unknown> = Promise.resolve()
    target.faults.add({
      route: 'import',
      skip: 1,
      status: 500,
      body: '{"errorCode":"serverError"}',
      headers: {'content-type': 'application/json'},
      before: async () => {
        b = importOk(target, workspace, {'batch-size': '1'})
        await b
      }
    })
    const a = await importError(target, workspace, {'batch-size': '1'})
    await b
    expect(a.message).toMatch(/Import failed/)
    expect(Object.values(dashboardCounts(target))).toEqual([1, 1])
    expect(danglingTiles(target)).toEqual([])
    expect(await hasChanges(target, workspace)).toBe(false)
  })
})

describe('deletions are bounded and their leftovers are found again', () => {
  it('prune refuses to delete every dashboard of the target, or more than max-deletions', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 4, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    await importOk(target, workspace)
    const before = snapshot(target)
    // Three dashboards are deleted in dev: prune would delete them and the fourth is renamed.
    const other = await tempDir('oac-other-')
    const [kept, ...gone] = dev.state.listDashboards('dev')
    for (const d of gone) dev.state.removeDashboard(String(d.id))
    dev.state.updateDashboard(String(kept.id), d => void (d.name = 'Renamed'))
    await reexport(dev, other)

    const all = await importError(target, other, {prune: 'true'})
    expect(all.message).toMatch(/deletes every dashboard of the target collection \(4\)/)
    expect(snapshot(target)).toEqual(before)
    const bounded = await importError(target, other, {prune: 'true', 'max-deletions': '3'})
    expect(bounded.message).toMatch(
      /deletes 4 dashboards and reports .* more than 'max-deletions' \(3\)/
    )
    expect(snapshot(target)).toEqual(before)
    expect(target.requests.count('deleteDashboard')).toBe(0)

    // Raised explicitly, the same plan goes through.
    await importOk(target, other, {prune: 'true', 'max-deletions': '4'})
    expect(dashboardCounts(target)).toEqual({Renamed: 1})
  })

  it('a report of a replaced version that could not be deleted is deleted by the next run, prune off', async () => {
    const {workspace: newer, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    const older = await tempDir('oac-old-')
    await cp(newer, older, {recursive: true})
    await importOk(target, older)
    const oldIds = snapshot(target)
    // Every report of the first dashboard changes in dev: the old ones are orphaned.
    const [first] = dev.state.listDashboards('dev')
    for (const tile of first.tiles as {id: string; type: string}[])
      if (tile.type === 'optimize_report')
        dev.state.updateReport(
          tile.id,
          r => void ((r.data as {visualization: string}).visualization = 'table')
        )
    await reexport(dev, newer)

    target.faults.add({route: 'deleteReport', status: 503, times: 2})
    const error = await importError(target, newer, {retries: '0'})
    expect(error.message).toMatch(/could not be deleted/)
    expect(danglingTiles(target)).toEqual([])
    expect(await hasChanges(target, newer)).toBe(true)

    await importOk(target, newer)
    expect(await hasChanges(target, newer)).toBe(false)
    const now = snapshot(target)
    // Nothing of the replaced version is left.
    const left = now.reports.filter(id => oldIds.reports.includes(id))
    expect(left.length).toBeLessThan(oldIds.reports.length)
    expect(target.state.listReports(TARGET_COLLECTION)).toHaveLength(oldIds.reports.length)
    expect(Object.values(dashboardCounts(target))).toEqual([1, 1])
  })
})

describe('a target dashboard Optimize cannot export', () => {
  it('a dangling tile in the target makes the plan warn, naming the dashboard, not fail', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    await importOk(target, workspace)
    const [broken] = target.state.listDashboards(TARGET_COLLECTION)
    const tile = (broken.tiles as {id: string; type: string}[]).find(
      t => t.type === 'optimize_report'
    )
    target.state.removeReport(String(tile?.id))
    const io = recordingIo()
    await runPlan(targetSettings(target, workspace), io)
    expect(io.warnings.map(w => w.message).join('\n')).toContain(
      `target dashboards: 1 dashboards of the target cannot be exported, because a tile references a report that no longer exists (${String(broken.id)})`
    )
  })
})

describe('listings Optimize may have cut short', () => {
  it('a listing of 1,000 makes the plan warn, and refuse to prune', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    target.state.generate({
      collectionId: TARGET_COLLECTION,
      dashboards: 1000,
      reportsPerDashboard: 1,
      seed: 3,
      xmlBytes: 200
    })
    const io = recordingIo()
    await runPlan(targetSettings(target, workspace), io)
    expect(io.warnings.map(w => w.message).join('\n')).toMatch(
      /listing: the target lists exactly 1000 dashboards( and reports)?, where Optimize stops a listing/
    )
    const pruned = await runPlan(
      targetSettings(target, workspace, {prune: 'true'}),
      recordingIo()
    ).catch((e: unknown) => e)
    expect(String(pruned)).toMatch(/listing: .*prune cannot rely on it/)
  }, 60_000)

  it('a rollback does not keep a copy on the word of a listing of 1,000: every copy it made goes', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    await importOk(target, workspace)
    // Batches follow the plan's order, by name: the first name goes in the first batch.
    const [first] = dev.state
      .listDashboards('dev')
      .sort((a, b) => (String(a.name) < String(b.name) ? -1 : 1))
    const old = target.state.listDashboards(TARGET_COLLECTION).find(d => d.name === first.name)
    for (const d of dev.state.listDashboards('dev'))
      dev.state.updateDashboard(String(d.id), x => void (x.description = 'Release 2'))
    await reexport(dev, workspace)
    for (let i = 0; i < 996; i++)
      target.state.putEntity(
        {...dashboard(0x20000 + i, `Made by hand ${i}`, []), tiles: []},
        TARGET_COLLECTION
      )
    // The second batch fails after the first made its copy; by then the collection lists
    // 1,000 dashboards and the first one's old version is beyond them.
    target.faults.add({
      route: 'import',
      skip: 2,
      status: 500,
      body: '{"errorCode":"serverError"}',
      before: () => {
        for (const i of [996, 997])
          target.state.putEntity(
            {...dashboard(0x20000 + i, `Made by hand ${i}`, []), tiles: []},
            TARGET_COLLECTION
          )
        const stored = target.state.getDashboard(String(old?.id))
        target.state.removeDashboard(String(old?.id))
        target.state.putEntity(stored ?? {}, TARGET_COLLECTION)
      }
    })
    const io = recordingIo()
    const error = await runImport(
      targetSettings(target, workspace, {command: 'import', 'batch-size': '1'}),
      io
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommandFailedError)
    expect(dashboardCounts(target)[String(first.name)]).toBe(1)
    expect(target.state.getDashboard(String(old?.id))).toBeDefined()
    expect(io.warnings.map(w => w.message).join('\n')).toMatch(
      /lists exactly 1000 dashboards, where Optimize stops a listing: the rollback does not rely on it/
    )
  }, 60_000)
})

describe('approved-plan: import applies exactly the plan that was reviewed', () => {
  async function approve(
    target: Emulator,
    workspace: string,
    inputs: Inputs = {}
  ): Promise<string> {
    const file = path.join(workspace, 'approved.json')
    await runPlan(
      targetSettings(target, workspace, {'plan-file': 'approved.json', ...inputs}),
      recordingIo()
    )
    return file
  }

  it('applies the approved plan when nothing changed', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    await approve(target, workspace)
    await importOk(target, workspace, {'approved-plan': 'approved.json'})
    expect(Object.values(dashboardCounts(target))).toEqual([1, 1])
  })

  it('refuses, writing nothing, when a dashboard appeared in the target after approval (prune)', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    await importOk(target, workspace)
    await approve(target, workspace, {prune: 'true'})
    const made = handMade(target)
    const before = snapshot(target)
    const error = await importError(target, workspace, {
      prune: 'true',
      'approved-plan': 'approved.json'
    })
    expect(error.message).toMatch(/approved plan no longer matches/)
    expect(error.message).toContain(
      `target entity dashboard/${made.dashboardId} appeared in the target`
    )
    expect(snapshot(target)).toEqual(before)
    expect(target.requests.count('deleteDashboard')).toBe(0)
    expect(importCalls(target)).toBe(1)
  })

  it('refuses when a file changed, or the settings differ, since approval', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    await approve(target, workspace)
    const [file] =
      (await readFile(path.join(workspace, TREE, 'optimize-as-code.json'), 'utf8')).match(
        /dashboards\/[^"]+\.json/
      ) ?? []
    const absolute = path.join(workspace, TREE, String(file))
    await writeFile(
      absolute,
      (await readFile(absolute, 'utf8')).replace(
        /"description": [^\n]*\n/,
        '"description": "edited after review",\n'
      )
    )
    const edited = await importError(target, workspace, {'approved-plan': 'approved.json'})
    expect(edited.message).toContain(`file ${file} changed in git`)
    const pruned = await importError(target, workspace, {
      'approved-plan': 'approved.json',
      prune: 'true'
    })
    expect(pruned.message).toMatch(/made for prune false, this run has true/)
    expect(importCalls(target)).toBe(0)
  })

  it('never writes plan.json through a symbolic link in its place', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    const victim = path.join(await tempDir('oac-victim-'), 'keep.txt')
    await writeFile(victim, 'keep\n')
    const {symlink} = await import('node:fs/promises')
    await symlink(victim, path.join(workspace, 'plan.json'))
    const error = await runPlan(targetSettings(target, workspace), recordingIo()).catch(
      (e: Error) => e
    )
    expect(String(error)).toMatch(/refusing .*plan\.json.*symbolic link/)
    expect(await readFile(victim, 'utf8')).toBe('keep\n')
  })

  it('refuses a missing, linked or malformed approved plan, naming it', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    const missing = await importOk(target, workspace, {'approved-plan': 'nope.json'}).catch(
      (e: Error) => e
    )
    expect(String(missing)).toMatch(/input 'approved-plan': '.*nope\.json' does not exist/)
    await writeFile(path.join(workspace, 'bad.json'), '{"formatVersion": 2,\n "prune": "yes"}')
    const bad = await importOk(target, workspace, {'approved-plan': 'bad.json'}).catch(
      (e: Error) => e
    )
    expect(String(bad)).toMatch(/bad\.json:\d+ is not a plan\.json written by plan/)
    await rm(path.join(workspace, 'bad.json'))
    const {symlink} = await import('node:fs/promises')
    await symlink('/etc/hostname', path.join(workspace, 'linked.json'))
    const linked = await importOk(target, workspace, {'approved-plan': 'linked.json'}).catch(
      (e: Error) => e
    )
    expect(String(linked)).toMatch(/refusing .*linked\.json.*symbolic link/)
    expect(importCalls(target)).toBe(0)
  })
})
