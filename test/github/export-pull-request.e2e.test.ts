/**
 * End to end: Optimize emulator → runExport (with the SVG and summary hooks)
 * → publishChanges against real git and the fake GitHub.
 */
import {cp, readFile, readdir, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, expect, it, vi} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {runExport} from '../../src/export.js'
import {publishChanges} from '../../src/github/publish.js'
import {escapeMarkdown, renderSummaryMarkdown, summarizeChanges} from '../../src/github/summary.js'
import {runImport} from '../../src/import.js'
import type {Settings} from '../../src/settings.js'
import {startFakeGitHub, type FakeGitHub} from '../helpers/fake-github.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'
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

/**
 * A team edits a dashboard in a sandbox and imports the folder back into the
 * collection: Optimize makes new copies (new ids for the dashboard and its
 * reports), and import deletes the old ones. The next export must see the
 * same dashboard with its real difference, and keep every file name.
 */
it('shows a re-imported dashboard as changed with its real difference, keeps every file name, and pictures it in the pull request', async () => {
  // The pie chart's name is on the other dashboard too: their files need a suffix to tell them apart.
  const pieReport = emu.state
    .listReports('sales')
    .find(r => (r.data as {visualization?: string}).visualization === 'pie')!
  const other = emu.state
    .listDashboards('sales')
    .find(d => !(d.tiles as {id: string}[]).some(t => t.id === pieReport.id))!
  const namesake = (other.tiles as {id: string}[]).find(t => emu.state.getReport(t.id))!.id
  emu.state.updateReport(namesake, r => void (r.name = pieReport.name))
  // The first export, merged into main.
  const first = await runExport(settings(), recordingIo())
  await fixture.git(['add', 'optimize'])
  await fixture.git(['commit', '-q', '-m', 'First export'])
  await fixture.git(['push', '-q', 'origin', 'main'])

  // In a sandbox checkout: one report's chart changes from pie to bar; the folder is imported into the collection.
  const sandbox = await tempDir('oac-sandbox-')
  await cp(path.join(fixture.workspace, 'optimize'), path.join(sandbox, 'optimize'), {
    recursive: true
  })
  const pie = first.after.reports.find(r => r.entity.data.visualization === 'pie')!.entity
  const board = first.after.dashboards.find(d => d.entity.tiles.some(t => t.id === pie.id))!.entity
  const manifest = JSON.parse(
    await readFile(path.join(sandbox, 'optimize', 'optimize-as-code.json'), 'utf8')
  ) as {entities: {id: string; file: string}[]}
  const fileOf = (id: string): string => manifest.entities.find(e => e.id === id)!.file
  expect(fileOf(pie.id)).toMatch(/^reports\/instances-by-region-[0-9a-f]{8}\.json$/)
  const pieFile = path.join(sandbox, 'optimize', fileOf(pie.id))
  await writeFile(pieFile, (await readFile(pieFile, 'utf8')).replace('"pie"', '"bar"'))
  await runImport(
    makeSettings(
      {
        command: 'import',
        'optimize-url': emu.url,
        'access-token': emu.token,
        'collection-id': 'sales',
        path: 'optimize',
        'plan-file': 'plan.json'
      },
      {workspace: sandbox}
    ),
    recordingIo()
  )
  const reimported = emu.state.listDashboards('sales').find(d => d.name === board.name)!
  expect(reimported.id).not.toBe(board.id)

  // The next export, published as the action does: the export summary is the body.
  const outcome = await runExport(settings(), recordingIo())
  await publishChanges(
    settings(),
    recordingIo(),
    {summaryMarkdown: outcome.result.summary},
    {retryAfterBaseMs: 1}
  )

  const body = fake.pulls[0].body
  const files = `https://github.test/${fake.owner}/${fake.repo}/blob/optimize-as-code/export/optimize`
  const dashboardFile = fileOf(board.id).replace(/\.json$/, '')
  expect(body).toContain('**Dashboards:** 1 changed · **Reports:** 1 changed')
  expect(body).toContain(
    [
      `- **${escapeMarkdown(board.name)}** — re-created in Optimize (new ids for it and its reports) · [JSON](${files}/${dashboardFile}.json) · [SVG](${files}/${dashboardFile}.svg) · [Optimize](${emu.url}/#/dashboard/${String(reimported.id)}/)`,
      `  - report *${escapeMarkdown(pie.name)}* — visualization pie → bar`
    ].join('\n')
  )
  expect(body).toContain(`![${escapeMarkdown(board.name)}](${files}/${dashboardFile}.svg?raw=true)`)
  expect(body).not.toMatch(/\b(added|removed)\b/)

  // Not one file renamed, added or removed: the same paths with new content.
  const diff = await fixture.git(['diff', '--name-status', '-M', 'main', BRANCH], fixture.origin)
  const exported = (await readdir(path.join(fixture.workspace, 'optimize'), {recursive: true}))
    .filter(f => f.endsWith('.json') || f.endsWith('.svg'))
    .sort()
  expect(exported).toEqual(
    (await readdir(path.join(sandbox, 'optimize'), {recursive: true}))
      .filter(f => f.endsWith('.json') || f.endsWith('.svg'))
      .sort()
  )
  expect(diff.split('\n').filter(line => !line.startsWith('M\t'))).toEqual([])
  expect(diff).toContain(`M\toptimize/${fileOf(pie.id)}`)
  // The picture in the branch marks the changed tile.
  const svg = await fixture.git(['show', `${BRANCH}:optimize/${dashboardFile}.svg`], fixture.origin)
  expect(svg).toContain(
    `<g data-mark="changed">\n<title>${pie.name} (bar) (changed since the previous export)</title>`
  )
})
