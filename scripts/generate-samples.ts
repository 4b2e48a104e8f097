/**
 * Writes the README's sample change summary and docs/sample-dashboard.svg from a
 * real export of the emulator and a small change: what a reviewer sees.
 * Deterministic; `--check` fails when the committed samples differ (tests run it).
 *
 * The export runs as in pull-request mode for a repository `acme/dashboards`, so
 * the summary has its links. For the README, the emulator's address (a random
 * port) reads as https://optimize.example.com, and the picture, which would be
 * fetched from that repository, is the committed docs/sample-dashboard.svg.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {startEmulator} from '../emulator/index.js'
import {runExport} from '../src/export.js'
import {silentIo} from '../src/io.js'
import {parseSettings} from '../src/settings.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const quiet = silentIo
const REPOSITORY = 'acme/dashboards'

export async function renderSamples(): Promise<{summary: string; svg: string}> {
  const emu = await startEmulator({idSeed: 3})
  const workspace = await mkdtemp(path.join(tmpdir(), 'oac-samples-'))
  try {
    emu.state.addCollection({id: 'team', name: 'Team'})
    const {dashboardIds} = emu.state.generate({
      collectionId: 'team',
      dashboards: 2,
      reportsPerDashboard: 4,
      seed: 42
    })
    const settings = parseSettings(
      name =>
        ({
          'optimize-url': emu.url,
          'access-token': emu.token,
          'collection-id': 'team',
          commit: 'pull-request'
        })[name as string] ?? '',
      {GITHUB_WORKSPACE: workspace, GITHUB_REPOSITORY: REPOSITORY},
      quiet
    )
    await runExport(settings, quiet)

    // The change a reviewer should understand: a tile moves, a report's chart and filter change.
    const dashboard = emu.state.getDashboard(dashboardIds[0]) as {
      tiles: {id: string; position: {x: number; y: number}}[]
    }
    const moved = dashboard.tiles.find(tile => tile.id.length === 36)!
    emu.state.updateDashboard(dashboardIds[0], d => {
      const tile = (d.tiles as typeof dashboard.tiles).find(t => t.id === moved.id)!
      tile.position = {x: 12, y: tile.position.y}
    })
    emu.state.updateReport(moved.id, report => {
      const data = report.data as {visualization: string; filter: unknown[]}
      data.visualization = data.visualization === 'bar' ? 'line' : 'bar'
      data.filter = [
        ...data.filter,
        {type: 'runningInstancesOnly', data: null, filterLevel: 'instance', appliedTo: ['all']}
      ]
    })
    const {result, after} = await runExport(settings, quiet)
    const file = `${path.join(workspace, 'optimize', 'dashboards')}/`
    const board = after.dashboards.find(d => d.entity.id === dashboardIds[0])!
    const svgName = (JSON.parse(result.outputs.files) as string[]).find(
      f => f.endsWith('.svg') && f.includes(slugOf(board.entity.name))
    )!
    const svg = await readFile(path.join(file, path.basename(svgName)), 'utf8')
    const picture = `https://github.com/${REPOSITORY}/blob/optimize-as-code/export/${svgName}?raw=true`
    const summary = result.summary
      .replaceAll(emu.url, 'https://optimize.example.com')
      .replaceAll(picture, 'docs/sample-dashboard.svg')
    return {summary, svg}
  } finally {
    await emu.close()
    await rm(workspace, {recursive: true, force: true})
  }
}

function slugOf(name: string): string {
  return name.toLowerCase().split(':')[0]
}

export function readmeWithSample(readme: string, summary: string): string {
  const block = [
    '<!-- start sample-summary -->',
    '',
    summary.trimEnd(),
    '',
    '<!-- end sample-summary -->'
  ].join('\n')
  return readme.replace(/<!-- start sample-summary -->[\s\S]*?<!-- end sample-summary -->/, block)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const {summary, svg} = await renderSamples()
  const readme = await readFile(path.join(root, 'README.md'), 'utf8')
  const files: [string, string][] = [
    ['README.md', readmeWithSample(readme, summary)],
    ['docs/sample-dashboard.svg', svg]
  ]
  let stale = false
  for (const [name, content] of files) {
    const current = await readFile(path.join(root, name), 'utf8').catch(() => '')
    if (current === content) continue
    if (process.argv.includes('--check')) {
      console.error(`${name} is out of date: run 'npx tsx scripts/generate-samples.ts'`)
      stale = true
    } else await writeFile(path.join(root, name), content)
  }
  process.exitCode = stale ? 1 : 0
}
