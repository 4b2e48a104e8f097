/**
 * SIGKILL of `export` at every write step, as a cancelled job or an
 * out-of-memory kill would stop it: the bundled action (`node dist/index.js`,
 * inputs as INPUT_* variables) runs with a test-only preload (kill-at.mjs)
 * that kills it at the Nth file-system mutation of the entity folder, for
 * every N of one export that changes, adds and removes files. After each
 * kill:
 *
 * - git shows no staged content (only, at worst, the staging folder's
 *   .gitignore itself);
 * - the next run (`validate`) finds the old tree or the new one, byte for
 *   byte, and nothing else: no staging folder, no temporary file;
 * - a rerun of `export` ends with exactly the new tree, and `git status`
 *   shows the same changes as an export that was never interrupted.
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {cp, mkdir, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import type {InputName} from '../../src/constants.js'
import {runCommand} from '../../src/main.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {recoverTree} from '../../src/workspace/journal.js'
import {snapshot} from './helpers.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ACTION = path.join(ROOT, 'dist/index.js')
const HOOK = fileURLToPath(new URL('./kill-at.mjs', import.meta.url))
const COLLECTION = 'sales'
const TREE = 'optimize'
const STAGING = `${TREE}/.optimize-as-code-staging`

type Inputs = Partial<Record<InputName, string>>
type Files = Record<string, string>

let emu: Emulator
let scratch: string
/** The tree a first export of the changed collection writes into an empty workspace. */
let firstTree: Files
/** A git repository whose last commit holds the old export. */
let oldWorkspace: string
let oldTree: Files
let newTree: Files
/** `git status` after an export that was not interrupted. */
let cleanStatus: string

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    env: {
      PATH: process.env.PATH,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@t',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@t'
    }
  }).toString()

const status = (workspace: string): string =>
  git(workspace, 'status', '--porcelain', '--untracked-files=all')

function inputs(command: string): Inputs {
  return {
    command,
    'collection-id': COLLECTION,
    'optimize-url': emu.url,
    'access-token': emu.token,
    commit: 'none'
  }
}

/** Runs a command in this process, the action's code path; answers its error, if any. */
async function runHere(command: string, workspace: string): Promise<unknown> {
  const io = recordingIo()
  try {
    await runCommand(makeSettings(inputs(command), {workspace, io}), io)
    return undefined
  } catch (error) {
    return error
  }
}

/** The bundled action as the runner starts it, with the kill preload. */
async function runAction(
  workspace: string,
  hook: {killAt?: number; countFile?: string}
): Promise<{code: number | null; signal: string | null}> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: scratch,
    OAC_UNDER: path.join(workspace, TREE),
    OAC_KILL_AT: String(hook.killAt ?? 0),
    ...(hook.countFile && {OAC_COUNT_FILE: hook.countFile})
  }
  for (const [name, value] of Object.entries(inputs('export')))
    env[`INPUT_${name.toUpperCase()}`] = value
  return new Promise(resolve => {
    execFile(process.execPath, ['--import', HOOK, ACTION], {cwd: ROOT, env}, error => {
      const failed = error as (Error & {code?: number; signal?: string}) | null
      resolve({code: failed ? (failed.code ?? null) : 0, signal: failed?.signal ?? null})
    })
  })
}

/** What git would commit right after a kill: nothing staged, at worst the staging folder's .gitignore. */
function expectNothingStaged(workspace: string): void {
  const visible = status(workspace)
    .split('\n')
    .filter(line => line.includes(STAGING))
  expect(
    visible.every(line => line.endsWith(`${STAGING}/.gitignore`)),
    visible.join()
  ).toBe(true)
}

/** Runs `killAt` for mutations 1 to `count`, two at a time: this machine has two cores. */
async function eachMutation(count: number, killAt: (n: number) => Promise<void>): Promise<void> {
  const all = Array.from({length: count}, (_, i) => i + 1)
  for (let i = 0; i < all.length; i += 2) await Promise.all(all.slice(i, i + 2).map(killAt))
}

async function emptyWorkspace(name: string): Promise<string> {
  const dir = path.join(scratch, name)
  await mkdir(dir)
  git(dir, 'init', '-q', '-b', 'main')
  return dir
}

async function copyOfOld(name: string): Promise<string> {
  const dir = path.join(scratch, name)
  await cp(oldWorkspace, dir, {recursive: true})
  return dir
}

beforeAll(async () => {
  if (!existsSync(ACTION)) execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'ignore'})
  scratch = await mkdtemp(path.join(tmpdir(), 'oac-crash-'))
  emu = await startEmulator({idSeed: 1})
  const {dashboardIds} = emu.state.generate({
    collectionId: COLLECTION,
    dashboards: 3,
    reportsPerDashboard: 2,
    seed: 5,
    xmlBytes: 2_000
  })
  oldWorkspace = path.join(scratch, 'old')
  await mkdir(oldWorkspace)
  git(oldWorkspace, 'init', '-q', '-b', 'main')
  expect(await runHere('export', oldWorkspace)).toBeUndefined()
  await writeFile(path.join(oldWorkspace, 'README.md'), 'not managed\n')
  git(oldWorkspace, 'add', '-A')
  git(oldWorkspace, 'commit', '-q', '-m', 'old export')
  oldTree = await snapshot(path.join(oldWorkspace, TREE))

  // The next export changes a file, renames one (a new file and a removal) and removes a dashboard.
  const [renamed, , removed] = dashboardIds
  emu.state.updateDashboard(renamed, d => void (d.name = `${String(d.name)} (renamed)`))
  const report = emu.state.listReports(COLLECTION)[0]
  emu.state.updateReport(String(report.id), r => void (r.description = 'Changed in Optimize'))
  emu.state.removeDashboard(removed)

  const clean = await copyOfOld('clean')
  expect(await runHere('export', clean)).toBeUndefined()
  newTree = await snapshot(path.join(clean, TREE))
  cleanStatus = status(clean)
  expect(newTree).not.toEqual(oldTree)
  const first = await emptyWorkspace('first')
  expect(await runHere('export', first)).toBeUndefined()
  firstTree = await snapshot(path.join(first, TREE))
}, 120_000)

afterAll(async () => {
  await emu?.close()
  if (scratch) await rm(scratch, {recursive: true, force: true})
})

describe('SIGKILL of export at each write step', () => {
  it('leaves the old or the new tree, and a rerun ends with the new one', async () => {
    const counting = await copyOfOld('count')
    const countFile = path.join(scratch, 'count.txt')
    const complete = await runAction(counting, {countFile})
    expect(complete).toEqual({code: 0, signal: null})
    expect(await snapshot(path.join(counting, TREE))).toEqual(newTree)
    const mutations = Number(await readFile(countFile, 'utf8'))
    // At least a write, a rename and a removal of each kind of change.
    expect(mutations).toBeGreaterThan(5)

    const outcomes: string[] = []
    const killAt = async (n: number): Promise<void> => {
      const workspace = await copyOfOld(`kill-${n}`)
      const run = await runAction(workspace, {killAt: n})
      expect(run.signal, `mutation ${n}`).toBe('SIGKILL')

      expectNothingStaged(workspace)

      // The next run reads the old tree or the new one.
      expect(await runHere('validate', workspace), `validate after mutation ${n}`).toBeUndefined()
      const after = await snapshot(path.join(workspace, TREE))
      const which = JSON.stringify(after) === JSON.stringify(oldTree) ? 'old' : 'new'
      expect(after, `the tree after mutation ${n}`).toEqual(which === 'old' ? oldTree : newTree)
      outcomes[n] = which

      expect(await runHere('export', workspace)).toBeUndefined()
      expect(await snapshot(path.join(workspace, TREE))).toEqual(newTree)
      expect(await runHere('validate', workspace)).toBeUndefined()
      expect(status(workspace), `git status after mutation ${n} and a rerun`).toBe(cleanStatus)
      await rm(workspace, {recursive: true, force: true})
    }
    await eachMutation(mutations, killAt)
    // Killed before the commit point the old tree stands, after it the new one.
    expect(outcomes[1]).toBe('old')
    expect(outcomes[mutations]).toBe('new')
  }, 240_000)

  it('a first export into an empty workspace leaves no tree or the whole new one', async () => {
    const countFile = path.join(scratch, 'count-first.txt')
    const complete = await runAction(await emptyWorkspace('count-first'), {countFile})
    expect(complete).toEqual({code: 0, signal: null})
    const mutations = Number(await readFile(countFile, 'utf8'))
    expect(mutations).toBeGreaterThan(3)

    const outcomes: string[] = []
    const killAt = async (n: number): Promise<void> => {
      const workspace = await emptyWorkspace(`first-kill-${n}`)
      expect((await runAction(workspace, {killAt: n})).signal, `mutation ${n}`).toBe('SIGKILL')
      expectNothingStaged(workspace)
      // What every command does first: no tree, or the whole new one.
      recoverTree(path.join(workspace, TREE))
      const after = await snapshot(path.join(workspace, TREE))
      const which = Object.keys(after).length === 0 ? 'none' : 'new'
      expect(after, `the tree after mutation ${n}`).toEqual(which === 'none' ? {} : firstTree)
      outcomes[n] = which
      expect(await runHere('export', workspace)).toBeUndefined()
      expect(await snapshot(path.join(workspace, TREE))).toEqual(firstTree)
      await rm(workspace, {recursive: true, force: true})
    }
    await eachMutation(mutations, killAt)
    expect(outcomes[1]).toBe('none')
    expect(outcomes[mutations]).toBe('new')
  }, 240_000)
})
