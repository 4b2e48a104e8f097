import {cp, readdir} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {CommandFailedError} from '../../src/command.js'
import {runImport} from '../../src/import.js'
import {runPlan} from '../../src/plan.js'
import type {CommandResult} from '../../src/command.js'
import {recordingIo} from '../helpers/io.js'
import {tempDir} from '../helpers/temp.js'
import {
  TARGET_COLLECTION,
  TREE,
  devWorkspace,
  editJson,
  reexport,
  snapshot,
  targetFor,
  targetSettings,
  importCalls,
  dryRuns
} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})

async function importFails(
  target: Emulator,
  workspace: string,
  inputs = {}
): Promise<CommandFailedError> {
  const settings = targetSettings(target, workspace, {command: 'import', ...inputs})
  const error = await runImport(settings, recordingIo()).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(CommandFailedError)
  return error as CommandFailedError
}

async function converged(target: Emulator, workspace: string): Promise<CommandResult> {
  const plan = await runPlan(targetSettings(target, workspace), recordingIo())
  expect(plan.outputs['has-changes']).toBe('false')
  return plan
}

/** Reports and dashboards in the target: names with how often each occurs. */
function dashboardNames(target: Emulator): string[] {
  return target.state
    .listDashboards(TARGET_COLLECTION)
    .map(d => String(d.name))
    .sort()
}

async function started(emu: Promise<Emulator>): Promise<Emulator> {
  const value = await emu
  running.push(value)
  return value
}

describe('import safety', () => {
  it('a failed write at each position of a first import leaves nothing; the rerun completes it', async () => {
    const {workspace, dev} = await devWorkspace({
      dashboards: 3,
      reportsPerDashboard: 3,
      standalone: 1
    })
    running.push(dev)
    const files = (await readdir(path.join(workspace, TREE, 'reports'))).length + 3
    for (let k = 1; k <= files; k++) {
      const target = await started(targetFor(dev))
      target.faults.failImportWrite(k)
      const error = await importFails(target, workspace)
      expect(error.message).toMatch(/emulated database failure/)
      expect(snapshot(target)).toEqual({dashboards: [], reports: []})
      await runImport(targetSettings(target, workspace, {command: 'import'}), recordingIo())
      expect(dashboardNames(target)).toHaveLength(3)
      await converged(target, workspace)
      await target.close()
      running.pop()
    }
  })

  it('a failed write at each position of a replacing import keeps every old version; the rerun replaces them', async () => {
    const {workspace: newer, dev} = await devWorkspace({dashboards: 3, reportsPerDashboard: 3})
    running.push(dev)
    const older = await tempDir('oac-old-')
    await cp(newer, older, {recursive: true})
    // Two dashboards change in dev.
    const changed = dev.state.listDashboards('dev').slice(0, 2)
    for (const d of changed) {
      const tile = (d.tiles as {id: string; type: string}[]).find(t => t.type === 'optimize_report')
      dev.state.updateReport(
        String(tile?.id),
        r => void ((r.data as {visualization: string}).visualization = 'table')
      )
    }
    await reexport(dev, newer)
    const writes = changed.reduce(
      (n, d) =>
        n + 1 + (d.tiles as {type: string}[]).filter(t => t.type === 'optimize_report').length,
      0
    )

    for (let k = 1; k <= writes; k++) {
      const target = await started(targetFor(dev))
      await runImport(targetSettings(target, older, {command: 'import'}), recordingIo())
      const before = snapshot(target)
      target.faults.failImportWrite(k)
      await importFails(target, newer)
      expect(snapshot(target)).toEqual(before)
      await converged(target, older)

      await runImport(targetSettings(target, newer, {command: 'import'}), recordingIo())
      expect(dashboardNames(target)).toHaveLength(3)
      expect(snapshot(target).reports).toHaveLength(before.reports.length)
      await converged(target, newer)
      await target.close()
      running.pop()
    }
  })

  it('a connection reset on the import call writes nothing; the rerun imports', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    // The plan's dry run passes; the reset hits the import itself.
    target.faults.add({route: 'import', skip: 1, reset: true})
    const error = await importFails(target, workspace)
    expect(error.message).toMatch(/network error/)
    expect(error.result?.summary).toMatch(/nothing was written/)
    expect(snapshot(target)).toEqual({dashboards: [], reports: []})
    await runImport(targetSettings(target, workspace, {command: 'import'}), recordingIo())
    expect(importCalls(target)).toBe(2)
    await converged(target, workspace)
  })

  it('when the target cannot be listed after the plan, import relies on the ids Optimize answered with', async () => {
    const {workspace: newer, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    const older = await tempDir('oac-old-')
    await cp(newer, older, {recursive: true})
    await runImport(targetSettings(target, older, {command: 'import'}), recordingIo())
    const [first] = dev.state.listDashboards('dev')
    dev.state.updateDashboard(String(first.id), d => void (d.description = 'Changed in dev'))
    await reexport(dev, newer)

    // The plan's listing works; every later one fails (Optimize went away mid-run).
    target.faults.add({route: 'listDashboards', skip: 1, status: 503, times: 100})
    const io = recordingIo()
    const result = await runImport(targetSettings(target, newer, {command: 'import'}), io)
    expect(result.summary).toMatch(/could not look for copies another run/)
    expect(io.warnings.map(w => w.message).join('\n')).toMatch(
      /could not look for copies another run/
    )
    expect(dashboardNames(target)).toHaveLength(2)
    target.faults.clear()
    await converged(target, newer)
  })

  it('when verification fails and the target cannot be listed, the copies named in the answer are taken back', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    // The plan's listing works; every later one fails, and so does the export of the new copies.
    target.faults.add({route: 'listDashboards', skip: 1, status: 503, times: 100})
    target.faults.add({route: 'exportDashboards', skip: 0, status: 503, times: 100})
    const error = await importFails(target, workspace)
    expect(error.message).toMatch(/503/)
    expect(error.result?.summary).toMatch(/entities this run had created were deleted again/)
    expect(snapshot(target)).toEqual({dashboards: [], reports: []})
  })
})

describe('refusals: nothing written, the message names the items', () => {
  async function refused(
    prepare: (target: Emulator, dev: Emulator, workspace: string) => Promise<void> | void,
    inputs: Record<string, string> = {}
  ): Promise<{error: CommandFailedError; target: Emulator}> {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    await prepare(target, dev, workspace)
    const error = await importFails(target, workspace, inputs)
    expect(target.state.listDashboards()).toEqual([])
    expect(target.state.listReports()).toEqual([])
    return {error, target}
  }

  async function setProcessIndex(workspace: string, version: number): Promise<void> {
    for (const file of await readdir(path.join(workspace, TREE, 'reports'))) {
      if (!file.endsWith('.json')) continue
      await editJson(workspace, `reports/${file}`, value => {
        if (value.exportEntityType !== 'single_process_report') return
        value.sourceIndexVersion = version
        // As Optimize 3.10 exports them: without a description.
        delete value.description
      })
    }
  }

  it('index mismatch found by the plan (optimize-version), and by its dry run (empty target)', async () => {
    const byPlan = await refused(async (_t, _d, workspace) => setProcessIndex(workspace, 10), {
      'optimize-version': '8.6'
    })
    expect(byPlan.error.message).toMatch(
      /files were exported from Optimize with process report index 10, the target expects 11/
    )
    expect(importCalls(byPlan.target)).toBe(0)

    const byServer = await refused(async (_t, _d, workspace) => setProcessIndex(workspace, 10))
    expect(byServer.error.message).toMatch(/importIndexVersionMismatch/)
    expect(byServer.error.message).toMatch(
      /optimize-single-process-report_v11: the file has version 10, the target expects 11/
    )
    expect(byServer.error.message).toMatch(/dry run: Optimize would refuse the import/)
    expect(importCalls(byServer.target)).toBe(0)
    expect(dryRuns(byServer.target)).toBe(1)
  })

  it('missing definition, refused by Optimize with the key', async () => {
    let key = ''
    const {error} = await refused(target => {
      const definition = [...target.state.definitions.values()].find(d => d.type === 'process')
      key = String(definition?.key)
      target.state.definitions.delete(`process:${key}`)
    })
    expect(error.message).toMatch(/importDefinitionDoesNotExist/)
    expect(error.message).toContain(`process '${key}'`)
  })

  function dropFromScope(target: Emulator, tenantsOnly: boolean): string {
    const collection = target.state.collections.get(TARGET_COLLECTION)
    const entry = collection?.scope.find(s => s.tenants.length > 1) ?? collection?.scope[0]
    if (!collection || !entry) throw new Error('no scope')
    if (tenantsOnly) entry.tenants = entry.tenants.slice(0, 1)
    else collection.scope = collection.scope.filter(s => s !== entry)
    return entry.definitionKey
  }

  /** A collection DTO without its scope, as some Optimize versions answer. */
  function hideScope(target: Emulator): void {
    target.faults.add({
      route: 'getCollection',
      status: 200,
      times: Infinity,
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({id: TARGET_COLLECTION, name: 'Production'})
    })
  }

  it('scope conflict: found by the plan, and refused by Optimize when the scope is not shown', async () => {
    let key = ''
    const byPlan = await refused(target => void (key = dropFromScope(target, false)))
    expect(byPlan.error.message).toContain(
      `definition '${key}' is not in the collection's data sources`
    )
    expect(importCalls(byPlan.target)).toBe(0)

    const byServer = await refused(target => {
      key = dropFromScope(target, false)
      hideScope(target)
    })
    expect(byServer.error.message).toMatch(
      /nonDefinitionScopeCompliantConflict.*conflicts with: collection 'Production'/
    )
  })

  it('tenant conflict: found by the plan, and refused by Optimize when the scope is not shown', async () => {
    let key = ''
    const byPlan = await refused(target => void (key = dropFromScope(target, true)))
    expect(byPlan.error.message).toMatch(
      new RegExp(
        `tenants .* of process definition '${key}' are not in the collection's data source`
      )
    )

    const byServer = await refused(target => {
      dropFromScope(target, true)
      hideScope(target)
    })
    expect(byServer.error.message).toMatch(
      /nonTenantScopeCompliantConflict.*conflicts with: collection 'Production'/
    )
  })

  it('unknown collection: found by the plan, and refused by Optimize on a target without collection endpoints', async () => {
    const byPlan = await refused(() => {}, {'collection-id': 'missing'})
    expect(byPlan.error.message).toMatch(/collection 'missing' does not exist/)

    const byServer = await refused(
      target => {
        target.faults.add({route: 'getCollection', status: 404, times: Infinity})
        target.faults.add({route: 'listCollections', status: 404, times: Infinity})
      },
      {'collection-id': 'missing'}
    )
    expect(byServer.error.message).toMatch(/404.*notFoundError.*missing/)
  })
})
