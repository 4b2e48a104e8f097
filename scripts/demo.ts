/**
 * `npm run demo`: the main job end to end against local emulators, using the
 * bundled action (dist/index.js) exactly as a workflow runs it.
 *
 * 1. a "dev" Optimize seeded with realistic dashboards
 * 2. export them into a fresh git repository
 * 3. change one report in dev, export again, show the diff and the summary
 * 4. validate, then plan and import into a "prod" Optimize, and import again (no change)
 * 5. export a raw-data report's results to CSV
 */
import {execFile, execFileSync} from 'node:child_process'
import {promisify} from 'node:util'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {startEmulator, type Emulator} from '../emulator/index.js'
import {templateExportPath} from './demo-support.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const gitEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Demo',
  GIT_AUTHOR_EMAIL: 'demo@example.com',
  GIT_COMMITTER_NAME: 'Demo',
  GIT_COMMITTER_EMAIL: 'demo@example.com'
}

function heading(text: string): void {
  console.log(`\n\x1b[1m== ${text}\x1b[0m`)
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {cwd, env: gitEnv, encoding: 'utf8'})
}

/** Runs the bundled action with INPUT_* variables, as the runner would (async: the emulator lives in this process). */
async function runAction(
  workspace: string,
  inputs: Record<string, string>
): Promise<Record<string, string>> {
  const outputFile = path.join(workspace, '..', `outputs-${Date.now()}`)
  const env: NodeJS.ProcessEnv = {...gitEnv, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile}
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  await writeFile(outputFile, '') // the runner creates it before the step starts
  const run = promisify(execFile)
  const {stdout, stderr} = await run(process.execPath, [path.join(root, 'dist/index.js')], {env})
  process.stdout.write(indent(stdout + stderr))
  return parseOutputs(await readFile(outputFile, 'utf8'))
}

/** The action's own log, indented, without the runner's workflow commands. */
function indent(log: string): string {
  const lines = log
    .split('\n')
    .filter(line => line && !/^::(debug|add-mask|group|endgroup)::/.test(line))
  return lines.map(line => `   | ${line}\n`).join('')
}

/** Reads the runner's GITHUB_OUTPUT file format (name<<delimiter ... delimiter). */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const value: string[] = []
    while (++i < lines.length && lines[i] !== match[2]) value.push(lines[i])
    outputs[match[1]] = value.join('\n')
  }
  return outputs
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(tmpdir(), 'optimize-as-code-demo-'))
  const dev = await startEmulator({idSeed: 1})
  let prod: Emulator | undefined
  try {
    heading('Starting a "dev" Optimize (emulator) with realistic dashboards')
    dev.state.addCollection({id: 'team-analytics', name: 'Team analytics'})
    const generated = dev.state.generate({
      collectionId: 'team-analytics',
      dashboards: 4,
      reportsPerDashboard: 5,
      seed: 42
    })
    dev.state.seedEntities(JSON.parse(await readFile(templateExportPath(root), 'utf8')), {
      collectionId: 'team-analytics'
    })
    console.log(
      `dev Optimize at ${dev.url}: ${dev.state.listDashboards().length} dashboards, ${dev.state.listReports().length} reports`
    )

    heading('Exporting the collection into a fresh git repository')
    const repo = path.join(work, 'repo')
    execFileSync('mkdir', ['-p', repo])
    git(repo, 'init', '-q', '-b', 'main')
    const inputs = {
      'optimize-url': dev.url,
      'access-token': dev.token,
      'collection-id': 'team-analytics',
      commit: 'none'
    }
    const first = await runAction(repo, inputs)
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '-m', 'Export Optimize dashboards')
    console.log(git(repo, 'show', '--stat', '--format=%s', 'HEAD').trimEnd())
    console.log(`outputs: changed=${first.changed}, ${JSON.parse(first.files).length} files`)

    heading('Exporting again with nothing changed')
    const again = await runAction(repo, inputs)
    console.log(
      `changed=${again.changed}; git status: ${git(repo, 'status', '--porcelain') || '(clean)'}`
    )

    heading('Changing one report in dev, then exporting again')
    const reportId = generated.reportIds[0]
    dev.state.updateReport(reportId, report => {
      const data = report.data as {visualization: string; configuration: {precision: number | null}}
      data.visualization = data.visualization === 'line' ? 'bar' : 'line'
      data.configuration.precision = 2
    })
    const changed = await runAction(repo, inputs)
    console.log(`changed=${changed.changed}\n`)
    console.log(git(repo, '-c', 'color.ui=always', 'diff', '--stat').trimEnd())
    console.log(git(repo, '-c', 'color.ui=always', 'diff', '--', '*.json').trimEnd())

    heading('The summary a reviewer sees (pull-request body and job summary)')
    console.log(changed.summary)
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '-m', 'Update Optimize dashboards')

    heading('Validating the files (offline, as on a pull request)')
    await runAction(repo, {command: 'validate'})

    heading('Starting a "prod" Optimize whose collection has the same definitions in scope')
    prod = await startEmulator({idSeed: 2})
    prod.state.addCollection({id: 'production', name: 'Production'})
    for (const definition of dev.state.definitions.values()) {
      prod.state.addDefinition({
        type: definition.type,
        key: definition.key,
        versions: definition.versions,
        tenants: definition.tenants
      })
      prod.state.addToScope('production', definition.type, definition.key, definition.tenants)
    }
    const prodInputs = {
      'optimize-url': prod.url,
      'access-token': prod.token,
      'collection-id': 'production',
      'plan-file': path.join(work, 'plan.json')
    }

    heading('plan: the dry run against prod')
    const plan = await runAction(repo, {...prodInputs, command: 'plan'})
    console.log(plan.summary)

    heading('import: promote into prod')
    const imported = await runAction(repo, {...prodInputs, command: 'import'})
    const ids = JSON.parse(imported['imported-ids'] ?? '{}') as Record<string, string>
    const prodIds = (): string[] =>
      prod!.state
        .listDashboards('production')
        .map(d => String(d.id))
        .sort()
    const afterFirst = prodIds()
    console.log(
      `prod now has ${afterFirst.length} dashboards and ${prod.state.listReports('production').length} reports; ${Object.keys(ids).length} files mapped to new IDs`
    )

    heading('import again: nothing to do, no duplicate, IDs unchanged')
    const second = await runAction(repo, {...prodInputs, command: 'import'})
    console.log(
      `has-changes=${second['has-changes']}; prod has ${prodIds().length} dashboards; IDs unchanged: ${JSON.stringify(prodIds()) === JSON.stringify(afterFirst)}`
    )

    heading('export-data: a raw-data report to CSV, page by page')
    const rawReport = dev.state
      .listReports('team-analytics')
      .find(r => JSON.stringify((r.data as {view?: unknown}).view).includes('rawData'))
    if (rawReport) {
      dev.state.setRawData(String(rawReport.id), {rows: 2500, seed: 1})
      const data = await runAction(repo, {
        command: 'export-data',
        'optimize-url': dev.url,
        'access-token': dev.token,
        'report-ids': String(rawReport.id),
        format: 'csv',
        limit: '1000'
      })
      console.log(`records=${data.records}; files=${data.files}`)
      const csv = await readFile(
        path.join(repo, 'optimize-data', `${String(rawReport.id)}.csv`),
        'utf8'
      )
      console.log(
        csv
          .split('\r\n')
          .slice(0, 3)
          .map(line => (line.length > 160 ? `${line.slice(0, 160)}…` : line))
          .join('\n')
      )
    }
  } finally {
    await prod?.close()
    await dev.close()
    await rm(work, {recursive: true, force: true})
  }
}

await main()
