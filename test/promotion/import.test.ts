import {readFile} from 'node:fs/promises'
import {afterEach, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {CommandFailedError} from '../../src/command.js'
import {runImport} from '../../src/import.js'
import {runPlan} from '../../src/plan.js'
import {recordingIo} from '../helpers/io.js'
import {
  TARGET_COLLECTION,
  devWorkspace,
  reexport,
  snapshot,
  targetFor,
  targetSettings,
  type DevOptions,
  importCalls
} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})

async function setUp(
  options: DevOptions
): Promise<{workspace: string; dev: Emulator; target: Emulator}> {
  const {workspace, dev} = await devWorkspace(options)
  const target = await targetFor(dev)
  running.push(dev, target)
  return {workspace, dev, target}
}

/** Dashboard name → id in the target collection. */
function dashboardIds(target: Emulator): Map<string, string> {
  return new Map(
    target.state.listDashboards(TARGET_COLLECTION).map(d => [String(d.name), String(d.id)])
  )
}

/** Reports of the target collection that no dashboard or combined report uses. */
function unreferencedReports(target: Emulator): string[] {
  const used = new Set<string>()
  for (const d of target.state.listDashboards(TARGET_COLLECTION))
    for (const t of d.tiles as {id: string}[]) used.add(t.id)
  for (const r of target.state.listReports(TARGET_COLLECTION)) {
    const parts = (r.data as {reports?: {id: string}[]}).reports ?? []
    for (const p of parts) used.add(p.id)
  }
  return target.state
    .listReports(TARGET_COLLECTION)
    .map(r => String(r.id))
    .filter(id => !used.has(id))
}

describe('import', () => {
  it('ten imports in a row: the first creates, the next nine change nothing (ids, counts, no import calls)', async () => {
    const {workspace, target} = await setUp({
      dashboards: 4,
      reportsPerDashboard: 4,
      standalone: 2,
      share: true
    })
    const settings = targetSettings(target, workspace, {command: 'import'})

    const first = await runImport(settings, recordingIo())
    expect(first.outputs['has-changes']).toBe('true')
    const imported = JSON.parse(first.outputs['imported-ids']) as Record<string, string>
    expect(Object.keys(imported)).toHaveLength(6)
    const after = snapshot(target)
    expect(after.dashboards).toHaveLength(4)
    expect(importCalls(target)).toBe(1)

    for (let run = 2; run <= 10; run++) {
      const result = await runImport(settings, recordingIo())
      expect(result.outputs['has-changes']).toBe('false')
      expect(result.outputs['imported-ids']).toBe('{}')
      expect(snapshot(target)).toEqual(after)
    }
    expect(importCalls(target)).toBe(1)
    expect(target.requests.count('deleteDashboard') + target.requests.count('deleteReport')).toBe(0)
    // The dashboard ids the output named are the ones in the target.
    expect(Object.values(imported).filter(id => after.dashboards.includes(id))).toHaveLength(4)
  })

  it('a changed report replaces only its dashboard; the others keep their ids', async () => {
    const {workspace, dev, target} = await setUp({dashboards: 4, reportsPerDashboard: 3})
    const settings = targetSettings(target, workspace, {command: 'import'})
    await runImport(settings, recordingIo())
    const before = dashboardIds(target)

    // Change one report of one dashboard in dev and export again.
    const [changed] = dev.state.listDashboards('dev')
    const reportId = (changed.tiles as {id: string; type: string}[]).find(
      t => t.type === 'optimize_report'
    )?.id as string
    dev.state.updateReport(reportId, r => {
      ;(r.data as {visualization: string}).visualization = 'table'
    })
    await reexport(dev, workspace)

    const planIo = recordingIo()
    const plan = await runPlan(targetSettings(target, workspace), planIo)
    expect(plan.outputs['has-changes']).toBe('true')
    expect(plan.summary).toContain('🔁 replace')
    expect(plan.summary).toMatch(/data.visualization: '\w+' → 'table'/)

    const imports = importCalls(target)
    const result = await runImport(settings, recordingIo())
    expect(importCalls(target)).toBe(imports + 1)
    const after = dashboardIds(target)
    expect(after.size).toBe(before.size)
    for (const [name, id] of before) {
      if (name === changed.name) expect(after.get(name)).not.toBe(id)
      else expect(after.get(name)).toBe(id)
    }
    const imported = Object.entries(
      JSON.parse(result.outputs['imported-ids']) as Record<string, string>
    )
    expect(imported).toEqual([
      [expect.stringMatching(/^optimize\/dashboards\//), after.get(String(changed.name))]
    ])
    // The replaced dashboard's old reports are gone with it.
    expect(unreferencedReports(target)).toEqual([])
    const again = await runPlan(targetSettings(target, workspace), recordingIo())
    expect(again.outputs['has-changes']).toBe('false')
  })

  it('batches: one import call per batch of changed dashboards, a shared report sent once', async () => {
    const {workspace, target} = await setUp({dashboards: 5, reportsPerDashboard: 2, share: true})
    await runImport(
      targetSettings(target, workspace, {command: 'import', 'batch-size': '2'}),
      recordingIo()
    )
    expect(importCalls(target)).toBe(3)
    expect(snapshot(target).dashboards).toHaveLength(5)
    const again = await runPlan(targetSettings(target, workspace), recordingIo())
    expect(again.outputs['has-changes']).toBe('false')
  })

  it('the plan file is the same, byte for byte, for the same files and target', async () => {
    const {workspace, target} = await setUp({dashboards: 3, reportsPerDashboard: 3, standalone: 1})
    const settings = targetSettings(target, workspace)
    await runPlan(settings, recordingIo())
    const first = await readFile(settings.planFile)
    await runPlan(settings, recordingIo())
    expect(Buffer.compare(first, await readFile(settings.planFile))).toBe(0)
  })

  it('a dashboard the target holds twice (a crash between import and delete) converges on a rerun', async () => {
    const {workspace, dev, target} = await setUp({dashboards: 2, reportsPerDashboard: 2})
    const settings = targetSettings(target, workspace, {command: 'import'})
    await runImport(settings, recordingIo())
    const kept = dashboardIds(target)

    // An old version of the first dashboard, left behind with its report.
    const [first] = target.state.listDashboards(TARGET_COLLECTION)
    const tile = (first.tiles as {id: string; type: string}[]).find(
      t => t.type === 'optimize_report'
    )
    const oldReport = structuredClone(target.state.getReport(tile?.id as string)) as Record<
      string,
      unknown
    >
    ;(oldReport.data as {visualization: string}).visualization = 'pie-old'
    target.state.putEntity(
      {...oldReport, id: 'aaaaaaaa-0000-4000-8000-000000000001'},
      TARGET_COLLECTION
    )
    target.state.putEntity(
      {
        ...structuredClone(first),
        id: 'aaaaaaaa-0000-4000-8000-000000000002',
        tiles: [{...tile, id: 'aaaaaaaa-0000-4000-8000-000000000001'}]
      },
      TARGET_COLLECTION
    )

    const plan = await runPlan(targetSettings(target, workspace), recordingIo())
    expect(plan.summary).toMatch(/leftover of an interrupted or earlier release/)
    await runImport(settings, recordingIo())
    expect(dashboardIds(target)).toEqual(kept)
    expect(target.state.getReport('aaaaaaaa-0000-4000-8000-000000000001')).toBeUndefined()
    expect(unreferencedReports(target)).toEqual([])
    void dev
  })

  it('fails with nothing written when a prerequisite fails (unknown collection)', async () => {
    const {workspace, target} = await setUp({dashboards: 2, reportsPerDashboard: 2})
    const settings = targetSettings(target, workspace, {command: 'import', 'collection-id': 'nope'})
    const error = await runImport(settings, recordingIo()).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CommandFailedError)
    expect((error as Error).message).toMatch(/collection 'nope' does not exist/)
    expect(importCalls(target)).toBe(0)
    expect(target.state.listDashboards()).toHaveLength(0)
  })
})
