/**
 * The action's log as the runner receives it (`node dist/index.js`): every
 * line inside the group it belongs to, a count instead of one line per file
 * unless step debug logging is on, and a host name that does not resolve
 * failing at once with the input to check.
 */
import {readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../emulator/index.js'
import {ensureBundle, runAction} from './helpers/action.js'
import {fakeDnsEnv} from './helpers/cli.js'
import {tempDir} from './helpers/temp.js'

let emu: Emulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})
beforeAll(() => ensureBundle(), 180_000)

interface Log {
  groups: {title: string; lines: string[]}[]
  /** Lines outside every group. */
  outside: string[]
}

/** The runner's view of stdout: groups (which do not nest) and the lines in and between them. */
function parseLog(stdout: string): Log {
  const log: Log = {groups: [], outside: []}
  let open: {title: string; lines: string[]} | undefined
  for (const line of stdout.split('\n').filter(Boolean)) {
    if (line.startsWith('::group::')) {
      expect(open, `group '${line}' opened inside '${open?.title}'`).toBeUndefined()
      open = {title: line.slice('::group::'.length), lines: []}
      log.groups.push(open)
    } else if (line === '::endgroup::') {
      expect(open, 'an ::endgroup:: without a group').toBeDefined()
      open = undefined
    } else (open?.lines ?? log.outside).push(line)
  }
  expect(open, 'a group left open').toBeUndefined()
  return log
}

async function devEmulator(): Promise<Emulator> {
  emu = await startEmulator()
  emu.state.addCollection({id: 'dev', name: 'Dev'})
  emu.state.generate({collectionId: 'dev', dashboards: 3, reportsPerDashboard: 2, seed: 2})
  return emu
}

function exportInputs(target: Emulator): Record<string, string> {
  return {
    command: 'export',
    'optimize-url': target.url,
    'access-token': target.token,
    'collection-id': 'dev',
    commit: 'none'
  }
}

const PER_FILE = /^(::debug::)?(wrote|removed) /

describe("the action's log", () => {
  it('export: the file count inside the writing group; no line per file without step debug logging', async () => {
    const target = await devEmulator()
    const workspace = await tempDir()

    const run = await runAction(exportInputs(target), {GITHUB_WORKSPACE: workspace})

    expect(run.code).toBe(0)
    const log = parseLog(run.stdout)
    const writing = log.groups.find(group => group.title.startsWith('Writing '))
    expect(writing?.lines).toContainEqual(
      expect.stringMatching(/^\d+ files new or changed, 0 removed, 0 unchanged$/)
    )
    expect(run.stdout.split('\n').filter(line => PER_FILE.test(line))).toEqual([])
  })

  it('export with RUNNER_DEBUG=1: one debug line per file, all inside the writing group', async () => {
    const target = await devEmulator()
    const workspace = await tempDir()

    const run = await runAction(exportInputs(target), {
      GITHUB_WORKSPACE: workspace,
      RUNNER_DEBUG: '1'
    })

    expect(run.code).toBe(0)
    const log = parseLog(run.stdout)
    const files = JSON.parse(/^files<<(.+)\n([\s\S]*?)\n\1$/m.exec(run.output)?.[2] ?? '[]')
    const writing = log.groups.find(group => group.title.startsWith('Writing '))
    const perFile = writing?.lines.filter(line => PER_FILE.test(line)) ?? []
    expect(perFile.sort()).toEqual(files.map((file: string) => `::debug::wrote ${file}`).sort())
    expect(perFile.length).toBeGreaterThan(0)
    const elsewhere = [
      ...log.outside,
      ...log.groups.filter(g => g !== writing).flatMap(g => g.lines)
    ]
    expect(elsewhere.filter(line => PER_FILE.test(line))).toEqual([])
  })

  it("plan: each prerequisite's line inside a group", async () => {
    const target = await devEmulator()
    const workspace = await tempDir()
    expect((await runAction(exportInputs(target), {GITHUB_WORKSPACE: workspace})).code).toBe(0)

    const run = await runAction(
      {
        command: 'plan',
        'optimize-url': target.url,
        'access-token': target.token,
        'collection-id': 'dev'
      },
      {GITHUB_WORKSPACE: workspace}
    )

    const log = parseLog(run.stdout)
    const prerequisite =
      /^(::(error|warning)::)?(files|credentials|collection|index versions|definitions|deletions): /
    const grouped = log.groups.flatMap(group => group.lines).filter(line => prerequisite.test(line))
    expect(grouped.map(line => prerequisite.exec(line)?.[3])).toEqual(
      expect.arrayContaining(['files', 'credentials', 'collection', 'definitions', 'deletions'])
    )
    expect(log.outside.filter(line => prerequisite.test(line))).toEqual([])
    expect(run.code).toBe(0)
  })

  it("a host name that does not resolve fails at once, naming the input 'optimize-url'", async () => {
    const workspace = await tempDir()
    const lookups = path.join(workspace, 'lookups.log')
    const started = Date.now()

    const run = await runAction(
      {
        command: 'export',
        'optimize-url': 'https://optimize.test',
        'access-token': 'abc-token',
        'dashboard-ids': 'd1',
        commit: 'none'
      },
      {GITHUB_WORKSPACE: workspace, ...fakeDnsEnv('ENOTFOUND', lookups)}
    )

    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /^::error::.*the host name optimize\.test cannot be resolved \(ENOTFOUND\): check 'optimize-url'$/m
    )
    expect(await readFile(lookups, 'utf8')).toBe('optimize.test\n')
    expect((Date.now() - started) / 1000).toBeLessThan(5)
  }, 60_000)
})
