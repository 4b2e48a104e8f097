/**
 * End to end: Optimize emulator → runExport (with the SVG and summary hooks)
 * → publishChanges against real git and the fake GitHub.
 */
import {afterAll, afterEach, beforeAll, beforeEach, expect, it, vi} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {runExport} from '../../src/export.js'
import {publishChanges} from '../../src/github/publish.js'
import {renderSummaryMarkdown, summarizeChanges} from '../../src/github/summary.js'
import type {Settings} from '../../src/settings.js'
import {startFakeGitHub, type FakeGitHub} from '../helpers/fake-github.js'
import {
  createGitFixture,
  isolateGit,
  recordingIo,
  testSettings,
  type GitFixture
} from './git-fixture.js'

const BRANCH = 'optimize-as-code/export'
let emu: Emulator
let fake: FakeGitHub
let fixture: GitFixture
let reportIds: string[]

beforeAll(async () => {
  fake = await startFakeGitHub()
})
afterAll(async () => fake.close())

beforeEach(async () => {
  isolateGit()
  emu = await startEmulator()
  reportIds = emu.state.generate({
    collectionId: 'sales',
    dashboards: 2,
    reportsPerDashboard: 3,
    seed: 7
  }).reportIds
  fixture = await createGitFixture()
})

afterEach(async () => {
  expect(fake.violations).toEqual([])
  await emu.close()
  await fixture.cleanup()
  vi.unstubAllEnvs()
})

function settings(): Settings {
  return {
    ...testSettings(fixture.workspace, {
      token: 'ghs_e2eToken0123456789',
      apiUrl: fake.url,
      repository: {owner: fake.owner, repo: fake.repo}
    }),
    collectionId: 'sales',
    connection: {
      baseUrl: emu.url,
      credentials: {kind: 'token', token: emu.token},
      timeoutMs: 10_000,
      retries: 0,
      concurrency: 2,
      batchSize: 100
    }
  }
}

/** What the action does: export, then publish with the summary as the PR body. */
async function exportAndPublish(): ReturnType<typeof publishChanges> {
  const io = recordingIo()
  const outcome = await runExport(settings(), io)
  const summaryMarkdown = renderSummaryMarkdown(summarizeChanges(outcome.before, outcome.after))
  return publishChanges(settings(), io, {summaryMarkdown}, {retryAfterBaseMs: 1})
}

it('opens a pull request, updates it when a report changes, and leaves it alone when nothing did', async () => {
  const first = await exportAndPublish()

  expect(first).toMatchObject({changed: true, pullRequestNumber: 1})
  const files = await fixture.git(['ls-tree', '-r', '--name-only', BRANCH], fixture.origin)
  expect(files).toMatch(/optimize\/dashboards\/[^\n]+\.svg/)
  expect(files).toContain('optimize/optimize-as-code.json')
  expect(fake.pulls[0].body).toMatch(/\*\*Dashboards:\*\* 2 added · \*\*Reports:\*\* \d+ added/)

  // Someone changes one report in Optimize.
  const id = reportIds[0]
  let name = ''
  emu.state.updateReport(id, report => {
    const data = report.data as {visualization?: string}
    data.visualization = data.visualization === 'line' ? 'bar' : 'line'
    name = String(report.name)
  })
  const second = await exportAndPublish()

  expect(second).toMatchObject({changed: true, pullRequestNumber: 1})
  expect(fake.pulls).toHaveLength(1)
  expect(fake.pulls[0].body).toContain('**Reports:** 1 changed')
  expect(fake.pulls[0].body).toMatch(/visualization \w+ → (line|bar)/)
  expect(fake.pulls[0].body).toContain(name.replace(/[\\`*_[\]|~#!]/g, c => `\\${c}`))
  expect(await fixture.git(['rev-list', '--count', `main..${BRANCH}`], fixture.origin)).toBe('1')

  const sha = await fixture.git(['rev-parse', BRANCH], fixture.origin)
  const third = await exportAndPublish()

  expect(third).toMatchObject({changed: false, pullRequestNumber: 1, commitSha: sha})
  expect(await fixture.git(['rev-parse', BRANCH], fixture.origin)).toBe(sha)
})

it('publishes nothing when export refuses an unknown collection, and leaves the folder as it was', async () => {
  await exportAndPublish()
  const sha = await fixture.git(['rev-parse', BRANCH], fixture.origin)
  const pulls = JSON.stringify(fake.pulls)
  const before = await fixture.git(['status', '--porcelain', '--untracked-files=all'])
  const files = await fixture.git(['ls-files', '-s', '-o', 'optimize'])

  const io = recordingIo()
  const typo = {...settings(), collectionId: 'saels'}
  await expect(
    runExport(typo, io).then(async () => publishChanges(typo, io, {summaryMarkdown: ''}))
  ).rejects.toThrow(
    /Collection 'saels' does not exist in Optimize.*Check the input 'collection-id'/
  )

  expect(await fixture.git(['rev-parse', BRANCH], fixture.origin)).toBe(sha)
  expect(JSON.stringify(fake.pulls)).toBe(pulls)
  expect(await fixture.git(['status', '--porcelain', '--untracked-files=all'])).toBe(before)
  expect(await fixture.git(['ls-files', '-s', '-o', 'optimize'])).toBe(files)
})
