/**
 * Drift (issue 20): a change made in the target since the last import is
 * told apart from a change in git, through the record of the last import
 * that import keeps as a git ref (src/github/import-record.ts). Run as the
 * runner runs the action: the bundled `node dist/index.js`, real git with a
 * bare repository as origin, the emulators over loopback.
 */
import {execFile} from 'node:child_process'
import {rename, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {promisify} from 'node:util'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import type {Emulator} from '../../emulator/index.js'
import {ensureBundle, said, type ActionRun} from '../helpers/action.js'
import {ensureCliBundle, runCli} from '../helpers/cli.js'
import {tempDir} from '../helpers/temp.js'
import {
  TARGET_COLLECTION,
  TREE,
  devWorkspace,
  importCalls,
  reexport,
  runBundled,
  targetFor
} from './helpers.js'

const exec = promisify(execFile)
const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})
beforeAll(() => {
  ensureBundle()
  ensureCliBundle()
})

const IDENTITY = ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.test']
const RECORD_REFS = 'refs/optimize-as-code/imports/'

async function git(cwd: string, args: string[]): Promise<string> {
  const {stdout} = await exec('git', [...IDENTITY, ...args], {
    cwd,
    env: {...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1'}
  })
  return stdout.trim()
}

/** Makes the exported workspace a clone of a bare origin, with the files committed. */
async function repository(workspace: string): Promise<string> {
  const origin = path.join(await tempDir('oac-origin-'), 'origin.git')
  await git(path.dirname(origin), ['init', '-q', '--bare', '-b', 'main', origin])
  await git(workspace, ['init', '-q', '-b', 'main'])
  await git(workspace, ['add', '-A'])
  await git(workspace, ['commit', '-q', '-m', 'Dashboards'])
  await git(workspace, ['remote', 'add', 'origin', origin])
  await git(workspace, ['push', '-q', 'origin', 'main'])
  return origin
}

/** A fresh clone of origin: another job's checkout (actions/checkout fetches no record ref). */
async function checkout(origin: string): Promise<string> {
  const dir = path.join(await tempDir('oac-checkout-'), 'repo')
  await git(path.dirname(dir), ['clone', '-q', '--depth=1', `file://${origin}`, dir])
  return dir
}

async function action(
  command: 'plan' | 'import',
  target: Emulator,
  workspace: string,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  return runBundled(command, target, workspace, {'collection-id': TARGET_COLLECTION, ...inputs})
}

function dashboardsNamed(target: Emulator, name: string): Record<string, unknown>[] {
  return target.state.listDashboards(TARGET_COLLECTION).filter(d => d.name === name)
}

/** Moves the first report tile of the target's dashboard `name`, as a person would in Optimize. */
function moveTileInTarget(target: Emulator, name: string): void {
  const [dashboard] = dashboardsNamed(target, name)
  target.state.updateDashboard(String(dashboard.id), d => {
    const tile = (d.tiles as {type: string; position: {x: number; y: number}}[]).find(
      t => t.type === 'optimize_report'
    )
    if (tile) tile.position = {x: tile.position.x, y: tile.position.y + 10}
  })
}

function tileRows(dashboard: Record<string, unknown>): number[] {
  return (dashboard.tiles as {type: string; position: {y: number}}[])
    .filter(t => t.type === 'optimize_report')
    .map(t => t.position.y)
}

/** A workspace in git, imported once into a target: the record exists on origin. */
async function imported(): Promise<{
  workspace: string
  origin: string
  target: Emulator
  dev: Emulator
  name: string
}> {
  const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
  const target = await targetFor(dev)
  running.push(dev, target)
  const origin = await repository(workspace)
  const first = await action('import', target, workspace)
  expect(first.code, said(first)).toBe(0)
  const name = String(dev.state.listDashboards('dev')[0].name)
  return {workspace, origin, target, dev, name}
}

describe('the record of the last import', () => {
  it('import keeps it as a ref pushed to origin; nothing in Optimize or on a branch changes', async () => {
    const {workspace, origin, target} = await imported()
    const refs = await git(origin, ['for-each-ref', '--format=%(refname)', RECORD_REFS])
    expect(refs.split('\n')).toHaveLength(1)
    const record = JSON.parse(await git(origin, ['cat-file', 'blob', `${refs}:record.json`])) as {
      collectionId: string
      units: {kind: string; name: string; digest: string}[]
    }
    expect(record.collectionId).toBe(TARGET_COLLECTION)
    expect(record.units.map(u => u.kind)).toEqual(['dashboard', 'dashboard'])
    // The files' branch is untouched and the workspace is clean.
    expect(await git(workspace, ['status', '--porcelain'])).toBe('')
    expect(await git(origin, ['rev-list', '--count', 'main'])).toBe('1')
    // Nothing named after the record in the target.
    const names = target.state.listDashboards(TARGET_COLLECTION).map(d => String(d.name))
    expect(names.every(n => !/optimize-as-code|record/i.test(n))).toBe(true)

    // A rerun with nothing changed writes nothing, and adds no record commit.
    const before = await git(origin, ['rev-parse', refs])
    const again = await action('import', target, workspace)
    expect(again.code, said(again)).toBe(0)
    expect(await git(origin, ['rev-parse', refs])).toBe(before)
  }, 60_000)

  it('with commit: none it stays in the local repository', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    const origin = await repository(workspace)
    const run = await action('import', target, workspace, {commit: 'none'})
    expect(run.code, said(run)).toBe(0)
    expect(await git(origin, ['for-each-ref', RECORD_REFS])).toBe('')
    expect(await git(workspace, ['for-each-ref', '--format=%(refname)', RECORD_REFS])).toMatch(
      /^refs\/optimize-as-code\/imports\/[0-9a-f]{16}$/
    )
  }, 60_000)
})

describe('drift: a change made in the target since the last import', () => {
  it('plan names it, import refuses and keeps the edit, on-drift: overwrite restores the files’ version once', async () => {
    const {workspace, origin, target, name} = await imported()
    moveTileInTarget(target, name)
    const edited = tileRows(dashboardsNamed(target, name)[0])

    // The plan job: a fresh checkout, which fetches the record from origin.
    const planJob = await checkout(origin)
    const plan = await action('plan', target, planJob)
    expect(plan.code).toBe(1)
    expect(said(plan)).toMatch(
      new RegExp(
        `drift: 1 dashboard or report changed in the target since the last import: dashboard '${name}'`
      )
    )
    expect(plan.summary).toContain('drift: changed in the target since the last import')

    const calls = importCalls(target)
    const refused = await action('import', target, workspace)
    expect(refused.code).toBe(1)
    expect(said(refused)).toMatch(/Import refuses to overwrite them/)
    expect(importCalls(target)).toBe(calls)
    expect(dashboardsNamed(target, name)).toHaveLength(1)
    expect(tileRows(dashboardsNamed(target, name)[0])).toEqual(edited)

    const skipped = await action('import', target, workspace, {'on-drift': 'skip'})
    expect(skipped.code, said(skipped)).toBe(0)
    expect(importCalls(target)).toBe(calls)
    expect(tileRows(dashboardsNamed(target, name)[0])).toEqual(edited)
    // Skipping keeps it drifted: the next plan still names it.
    expect(said(await action('plan', target, workspace))).toMatch(
      /drift: 1 dashboard or report changed in the target/
    )

    const overwritten = await action('import', target, workspace, {'on-drift': 'overwrite'})
    expect(overwritten.code, said(overwritten)).toBe(0)
    expect(dashboardsNamed(target, name)).toHaveLength(1)
    expect(tileRows(dashboardsNamed(target, name)[0])).not.toEqual(edited)
    const after = await action('plan', target, workspace)
    expect(after.code, said(after)).toBe(0)
    expect(said(after)).toMatch(/nothing changed in the target since the last import/)
    expect(after.output).toMatch(/has-changes<<.+\nfalse\n/)
  }, 90_000)

  it('a change in git alone is no drift; a change in both is', async () => {
    const {workspace, target, dev, name} = await imported()
    const [source] = dev.state.listDashboards('dev')
    dev.state.updateDashboard(String(source.id), d => void (d.description = 'Release 2'))
    await reexport(dev, workspace)
    await git(workspace, ['commit', '-q', '-am', 'Release 2'])

    const plan = await action('plan', target, workspace)
    expect(plan.code, said(plan)).toBe(0)
    expect(plan.summary).toContain('changed in git since the last import')
    expect(said(plan)).toMatch(
      /nothing changed in the target since the last import; 1 changed in git/
    )

    moveTileInTarget(target, name)
    const both = await action('plan', target, workspace)
    expect(both.code).toBe(1)
    expect(both.summary).toContain(
      'drift: changed in the target and changed in git since the last import'
    )
  }, 90_000)

  it('a dashboard deleted in the target is drift; one made by hand under a name git brings too', async () => {
    const {workspace, target, dev, name} = await imported()
    target.state.removeDashboard(String(dashboardsNamed(target, name)[0].id))
    const deleted = await action('plan', target, workspace)
    expect(deleted.code).toBe(1)
    expect(said(deleted)).toMatch(new RegExp(`dashboard '${name}' \\(deleted in the target`))
    const restored = await action('import', target, workspace, {'on-drift': 'overwrite'})
    expect(restored.code, said(restored)).toBe(0)
    expect(dashboardsNamed(target, name)).toHaveLength(1)

    // Git brings a new dashboard whose name someone already used in the target by hand.
    dev.state.updateDashboard(
      String(dev.state.listDashboards('dev')[1].id),
      d => void (d.name = 'Hand made')
    )
    await reexport(dev, workspace)
    await git(workspace, ['add', '-A'])
    await git(workspace, ['commit', '-q', '-m', 'Rename'])
    const [other] = target.state.listDashboards(TARGET_COLLECTION).filter(d => d.name !== name)
    target.state.updateDashboard(String(other.id), d => void (d.name = 'Hand made'))
    moveTileInTarget(target, 'Hand made')
    const made = await action('plan', target, workspace)
    expect(made.code).toBe(1)
    expect(said(made)).toMatch(/dashboard 'Hand made' \(made in the target, not by an import/)
  }, 90_000)
})

describe('origin out of reach', () => {
  it('the local record is used, with a warning', async () => {
    const {workspace, origin, target, name} = await imported()
    await rename(origin, `${origin}.moved`)
    moveTileInTarget(target, name)
    const plan = await action('plan', target, workspace)
    expect(plan.code).toBe(1)
    expect(said(plan)).toMatch(
      /::warning::The record of the last import could not be fetched from origin \(git fetch failed: .+\): the local one is used/
    )
    expect(said(plan)).toMatch(/drift: 1 dashboard or report changed in the target/)
  }, 60_000)
})

describe('without the record, import works as before, with a warning', () => {
  it('a record deleted from origin and the repository', async () => {
    const {workspace, origin, target, name} = await imported()
    const ref = await git(origin, ['for-each-ref', '--format=%(refname)', RECORD_REFS])
    await git(origin, ['update-ref', '-d', ref])
    await git(workspace, ['update-ref', '-d', ref])
    moveTileInTarget(target, name)

    const plan = await action('plan', target, workspace)
    expect(plan.code, said(plan)).toBe(0)
    expect(said(plan)).toMatch(
      /::warning::drift: no import into this collection has been recorded yet: whether the 1 dashboards and reports import replaces or deletes were changed/
    )
    const run = await action('import', target, workspace)
    expect(run.code, said(run)).toBe(0)
    expect(dashboardsNamed(target, name)).toHaveLength(1)
    // The import recorded again: the next hand edit is caught.
    expect(await git(origin, ['for-each-ref', '--format=%(refname)', RECORD_REFS])).toBe(ref)
    moveTileInTarget(target, name)
    expect((await action('plan', target, workspace)).code).toBe(1)
  }, 90_000)

  it('an unreadable record is named and ignored', async () => {
    const {workspace, target, name} = await imported()
    const ref = await git(workspace, ['for-each-ref', '--format=%(refname)', RECORD_REFS])
    const bad = path.join(workspace, '..', 'record.json')
    await writeFile(bad, '{"formatVersion": 1, "units": "all of them"}')
    const blob = await git(workspace, ['hash-object', '-w', bad])
    const tree = await exec(
      'sh',
      ['-c', `printf '100644 blob ${blob}\\trecord.json\\n' | git mktree`],
      {
        cwd: workspace
      }
    )
    const commit = await git(workspace, ['commit-tree', tree.stdout.trim(), '-m', 'bad'])
    await git(workspace, ['update-ref', ref, commit])
    await git(workspace, ['push', '-q', '-f', 'origin', `${ref}:${ref}`])
    moveTileInTarget(target, name)

    const plan = await action('plan', target, workspace)
    expect(plan.code, said(plan)).toBe(0)
    expect(said(plan)).toMatch(
      /::warning::drift: the record at refs\/optimize-as-code\/imports\/[0-9a-f]+ holds a record.json this version cannot read/
    )
    const run = await action('import', target, workspace)
    expect(run.code, said(run)).toBe(0)
    expect(dashboardsNamed(target, name)).toHaveLength(1)
  }, 90_000)
})

describe('the command line, on a laptop without GitHub', () => {
  it('import --commit none records in the local repository, and the next plan names drift', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    await git(workspace, ['init', '-q', '-b', 'main'])
    await git(workspace, ['add', '-A'])
    await git(workspace, ['commit', '-q', '-m', 'Dashboards'])
    const name = String(dev.state.listDashboards('dev')[0].name)
    const args = (command: string): string[] => [
      command,
      '--path',
      TREE,
      '--optimize-url',
      target.url,
      '--access-token',
      target.token,
      '--collection-id',
      TARGET_COLLECTION,
      ...(command === 'import' ? ['--commit', 'none'] : [])
    ]
    const env = {GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1'}
    const first = await runCli(args('import'), {cwd: workspace, env})

    expect(first.code, first.stderr).toBe(0)
    moveTileInTarget(target, name)
    const plan = await runCli(args('plan'), {cwd: workspace, env})
    expect(plan.code).toBe(1)
    expect(`${plan.stdout}${plan.stderr}`).toContain(
      `1 dashboard or report changed in the target since the last import: dashboard '${name}'`
    )
    expect(`${plan.stdout}${plan.stderr}`).toContain('--on-drift')
  }, 60_000)
})
