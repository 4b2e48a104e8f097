/**
 * `npm run demo`: the main job end to end against local emulators, using the
 * bundled action (dist/index.js) exactly as a workflow runs it.
 *
 * 1. a "dev" Optimize seeded with realistic dashboards
 * 2. export them into a fresh git repository
 * 3. change one report in dev, export again, show the diff and the summary
 */
import {execFile, execFileSync} from 'node:child_process'
import {promisify} from 'node:util'
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {startEmulator} from '../emulator/index.js'
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

    heading('The summary a reviewer sees')
    console.log(changed.summary)
  } finally {
    await dev.close()
    await rm(work, {recursive: true, force: true})
  }
}

await main()
