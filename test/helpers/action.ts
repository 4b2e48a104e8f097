/**
 * Runs the bundled action (`node dist/index.js`) as the runner does: inputs
 * as INPUT_* variables (hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY
 * files, RUNNER_TEMP, and nothing of the test runner's own environment.
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {tempDir} from './temp.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const ACTION = path.join(ROOT, 'dist/index.js')
const run = promisify(execFile)

/** dist/ is committed; it is built only when missing (a fresh clone before `npm run build`). */
export function ensureBundle(): void {
  if (!existsSync(ACTION)) execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'ignore'})
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  /** The GITHUB_OUTPUT file's content. */
  output: string
  summary: string
}

/** What the run said: stdout holds its log lines and ::error::/::warning:: annotations. */
export function said(run: ActionRun): string {
  return `${run.stdout}\n${run.stderr}`
}

/** One output of a run, from the GITHUB_OUTPUT file. */
export function outputOf(run: ActionRun, name: string): string | undefined {
  const match = new RegExp(`^${name}<<(.+)$`, 'm').exec(run.output)
  if (!match) return undefined
  const start = run.output.indexOf('\n', match.index) + 1
  return run.output.slice(start, run.output.indexOf(`\n${match[1]}`, start))
}

export async function runAction(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = {}
): Promise<ActionRun> {
  const dir = await tempDir('oac-runner-')
  const outputFile = path.join(dir, 'output')
  const summaryFile = path.join(dir, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
  )
  const childEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    RUNNER_TEMP: dir,
    ...env,
    ...inputEnv,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile
  }
  const result = await run(process.execPath, [ACTION], {cwd: ROOT, env: childEnv}).then(
    ({stdout, stderr}) => ({code: 0, stdout, stderr}),
    (error: {code?: number; stdout?: string; stderr?: string}) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? ''
    })
  )
  return {
    ...result,
    output: await readFile(outputFile, 'utf8'),
    summary: await readFile(summaryFile, 'utf8')
  }
}
