/**
 * What validate, plan and import take as the desired state: only a folder
 * export wrote, read without following a symbolic link. A missing folder (no
 * actions/checkout, a typo in `path`), a folder without manifest or one
 * without a single entity is refused before anything is read from Optimize,
 * so `prune` cannot empty a collection after a typo.
 */
import {mkdir, readFile, rename, rm, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {runImport} from '../../src/import.js'
import {runPlan} from '../../src/plan.js'
import type {Report} from '../../src/optimize/schemas.js'
import type {Settings} from '../../src/settings.js'
import {runValidate} from '../../src/validate.js'
import {readEntityTree} from '../../src/workspace/read.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'
import {
  TREE,
  dashboard,
  devWorkspace,
  processReport,
  snapshot,
  targetFor,
  targetSettings,
  uuid,
  writeTree,
  importCalls
} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})

/** What the outside file holds: it must never reach a log, a file or Optimize. */
const OUTSIDE_BYTES = 'outside-bytes-9f3c1e'

/** How a workspace's `path` can be wrong, and what the refusal says. */
const WRONG_FOLDERS: {
  name: string
  path: string
  make?: (dir: string) => Promise<void>
  message: RegExp
}[] = [
  {
    name: 'a path that does not exist',
    path: 'optimise',
    message:
      /The folder 'optimise' \(input 'path'\) does not exist in the workspace.*actions\/checkout.*'path'/
  },
  {
    name: 'a folder without manifest',
    path: 'notes',
    make: async dir => {
      await mkdir(path.join(dir, 'dashboards'), {recursive: true})
      await writeFile(path.join(dir, 'dashboards', 'draft.json'), '{}\n')
    },
    message:
      /'notes' \(input 'path'\) is not a folder written by optimize-as-code's export: it has no optimize-as-code.json/
  },
  {
    name: 'a folder export wrote, without a single entity',
    path: 'empty',
    make: async dir => {
      const workspace = await writeTree([])
      await rename(path.join(workspace, TREE), dir)
    },
    message:
      /'empty' \(input 'path'\) holds no dashboard or report.*with prune, it would delete everything/
  }
]

/** A target that holds the released dashboards of a dev workspace (imported with the real import). */
async function releasedTarget(): Promise<{workspace: string; target: Emulator}> {
  const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
  running.push(dev)
  const target = await targetFor(dev)
  running.push(target)
  await runImport(targetSettings(target, workspace, {command: 'import'}), recordingIo())
  expect(snapshot(target).dashboards).toHaveLength(2)
  return {workspace, target}
}

async function failureOf(run: () => Promise<unknown>): Promise<string> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error, 'the command was refused').toBeInstanceOf(Error)
  return (error as Error).message
}

describe('the desired state must be a folder export wrote', () => {
  it.each(WRONG_FOLDERS)('validate refuses $name', async ({path: folder, make, message}) => {
    const workspace = await tempDir()
    await make?.(path.join(workspace, folder))
    const settings = makeSettings({command: 'validate', path: folder}, {workspace})
    expect(await failureOf(async () => runValidate(settings, recordingIo()))).toMatch(message)
  })

  it.each(WRONG_FOLDERS)(
    'plan and import with prune refuse $name, before asking Optimize anything',
    async ({path: folder, make, message}) => {
      const {workspace, target} = await releasedTarget()
      await make?.(path.join(workspace, folder))
      const before = snapshot(target)
      target.requests.clear()
      for (const command of ['plan', 'import']) {
        const settings = targetSettings(target, workspace, {command, prune: 'true', path: folder})
        const run = command === 'plan' ? runPlan : runImport
        expect(await failureOf(async () => run(settings, recordingIo()))).toMatch(message)
      }
      expect(target.requests.count()).toBe(0)
      expect(snapshot(target)).toEqual(before)
    }
  )
})

/** A decision report whose DMN lives beside its JSON file. */
function decisionReport(n: number, name: string): Report {
  const report = processReport(n, name)
  return {
    ...report,
    exportEntityType: 'single_decision_report',
    data: {...report.data, configuration: {xml: '<definitions id="approval"/>'}}
  }
}

describe('symbolic links in the desired state are refused, never followed', () => {
  async function linkedDmn(): Promise<{workspace: string; settings: Settings}> {
    const workspace = await writeTree([
      decisionReport(1, 'Approval'),
      processReport(2, 'Backlog'),
      dashboard(10, 'Operations', [uuid(2)])
    ])
    const outside = path.join(await tempDir(), 'secret.txt')
    await writeFile(outside, `${OUTSIDE_BYTES}\n`)
    const dmn = path.join(workspace, TREE, 'reports', 'approval.dmn')
    await rm(dmn)
    await symlink(outside, dmn)
    return {workspace, settings: makeSettings({command: 'validate', path: TREE}, {workspace})}
  }

  it('a .dmn file that links outside: validate names it, and its target is never read', async () => {
    const {workspace, settings} = await linkedDmn()
    const io = recordingIo()
    const message = await failureOf(async () => runValidate(settings, io))
    expect(message).toMatch(/problem/)
    expect(io.errors.map(e => `${e.where?.file}: ${e.message}`)).toEqual([
      `${TREE}/reports/approval.dmn: is a symbolic link; entity files must be regular files`
    ])
    const loaded = await readEntityTree(path.join(workspace, TREE))
    expect([...loaded.texts.values()].join()).not.toContain(OUTSIDE_BYTES)
    expect(io.everything()).not.toContain(OUTSIDE_BYTES)
  })

  it('a .dmn file that links outside: import refuses, and nothing reaches Optimize', async () => {
    const {workspace} = await linkedDmn()
    const {target} = await releasedTarget()
    const before = snapshot(target)
    target.requests.clear()
    const settings = targetSettings(target, workspace, {command: 'import'})
    expect(await failureOf(async () => runImport(settings, recordingIo()))).toMatch(
      /approval\.dmn.*symbolic link/
    )
    expect(importCalls(target)).toBe(0)
    expect(snapshot(target)).toEqual(before)
    expect(await readFile(settings.planFile, 'utf8')).not.toContain(OUTSIDE_BYTES)
  })

  it('a reports/ folder that is a link: validate names it and reads nothing in it', async () => {
    const workspace = await writeTree([processReport(2, 'Backlog'), dashboard(10, 'Ops', [])])
    const elsewhere = await tempDir()
    await rename(path.join(workspace, TREE, 'reports'), path.join(elsewhere, 'reports'))
    await symlink(path.join(elsewhere, 'reports'), path.join(workspace, TREE, 'reports'))
    const io = recordingIo()
    await failureOf(async () =>
      runValidate(makeSettings({command: 'validate', path: TREE}, {workspace}), io)
    )
    expect(io.errors.map(e => `${e.where?.file}: ${e.message}`)).toEqual([
      `${TREE}/reports: is a symbolic link; entity folders must be real folders (nothing in it was read)`
    ])
  })

  it('a path that goes through a link, even one inside the workspace: refused', async () => {
    const workspace = await writeTree([processReport(2, 'Backlog')])
    await symlink(path.join(workspace, TREE), path.join(workspace, 'linked'))
    const settings = makeSettings({command: 'validate', path: 'linked'}, {workspace})
    expect(await failureOf(async () => runValidate(settings, recordingIo()))).toBe(
      "Refusing to read from 'linked': it is a symbolic link."
    )
  })

  it('a manifest that is a link: refused, naming it', async () => {
    const workspace = await writeTree([processReport(2, 'Backlog')])
    const manifest = path.join(workspace, TREE, 'optimize-as-code.json')
    const elsewhere = path.join(await tempDir(), 'manifest.json')
    await rename(manifest, elsewhere)
    await symlink(elsewhere, manifest)
    const io = recordingIo()
    await failureOf(async () =>
      runValidate(makeSettings({command: 'validate', path: TREE}, {workspace}), io)
    )
    expect(io.errors.map(e => `${e.where?.file}: ${e.message}`)).toEqual([
      `${TREE}/optimize-as-code.json: Refusing to read 'optimize-as-code.json': it is a symbolic link.`
    ])
  })
})
