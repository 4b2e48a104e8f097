/**
 * How `npm run bench` measures: every contender is a fresh `node` process
 * under /usr/bin/time (wall time taken here, peak RSS and CPU time from
 * time's rusage of the child), contenders are taken in turns, and figures are
 * medians with their ranges. Also: the emulator process, the runner's
 * environment for `node dist/index.js`, and the workspace folder on disk.
 */
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import {createInterface} from 'node:readline'
import {fileURLToPath} from 'node:url'
import {INPUT_DOCS} from '../src/input-docs.js'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Every workspace and output of the bench: on the checkout's disk, ignored by git. */
export const WORK = path.join(ROOT, '.bench-tmp')
const TIME = '/usr/bin/time'

export interface Run {
  ms: number
  /** Peak RSS of the process, MB (undefined without /usr/bin/time). */
  rssMb?: number
  userS?: number
  sysS?: number
  stdout: string
}

export interface Command {
  args: string[]
  env?: NodeJS.ProcessEnv
  cwd?: string
}

let runs = 0

/** Runs `node <args>` to its end: wall time from spawn to exit; throws on a non-zero exit. */
export async function timed({args, env, cwd}: Command): Promise<Run> {
  const stats = path.join(WORK, `time-${process.pid}-${++runs}.txt`)
  const withTime = existsSync(TIME)
  const [file, argv] = withTime
    ? [TIME, ['-f', '%M %U %S', '-o', stats, process.execPath, ...args]]
    : [process.execPath, args]
  const started = performance.now()
  const child = spawn(file, argv, {env: env ?? cleanEnv(), cwd: cwd ?? ROOT})
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  const ms = performance.now() - started
  if (code !== 0)
    throw new Error(
      `node ${args.join(' ').slice(0, 200)} exited with ${code}:\n${stderr}${stdout.slice(-2000)}`
    )
  if (!withTime) return {ms, stdout}
  const line = (await readFile(stats, 'utf8')).trim().split('\n').pop() ?? ''
  await rm(stats)
  const [kb, userS, sysS] = line.split(' ').map(Number)
  return {ms, rssMb: kb / 1024, userS, sysS, stdout}
}

/** PATH, HOME and locale only: no NODE_OPTIONS or loader of this process reaches a contender. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const {PATH, HOME, LANG} = process.env
  return {PATH, HOME, LANG, ...extra}
}

/**
 * The environment GitHub's runner gives `node dist/index.js`: every input as
 * `INPUT_<NAME>` (upper case, hyphens kept), with action.yml's defaults for
 * those not given, and the runner's files and folders under `dir`.
 */
export async function runnerEnv(
  dir: string,
  workspace: string,
  inputs: Record<string, string>
): Promise<NodeJS.ProcessEnv> {
  const temp = path.join(dir, 'runner-temp')
  await mkdir(temp, {recursive: true})
  await mkdir(workspace, {recursive: true})
  const env: NodeJS.ProcessEnv = {
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'step-summary'),
    RUNNER_TEMP: temp
  }
  // The runner creates both files empty before each step.
  await writeFile(env.GITHUB_OUTPUT!, '')
  await writeFile(env.GITHUB_STEP_SUMMARY!, '')
  for (const doc of INPUT_DOCS) {
    // A default such as `${{ github.token }}` is the runner's to fill in; commit: none needs none.
    if (doc.default !== undefined && !doc.default.startsWith('${{'))
      env[`INPUT_${doc.name.toUpperCase()}`] = doc.default
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  return cleanEnv(env)
}

/** The outputs the action wrote to GITHUB_OUTPUT (`name<<delimiter` … `delimiter` blocks). */
export async function actionOutputs(env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const text = await readFile(env.GITHUB_OUTPUT!, 'utf8')
  const outputs = new Map<string, string>()
  const block = /^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm
  for (const [, name, , value] of text.matchAll(block)) outputs.set(name, value)
  return outputs
}

export interface Emulator {
  url: string
  token: string
  rawReportId: string
  /** Requests served since the last call. */
  requests(): Promise<number>
  stop(): Promise<void>
}

/** bench/emulator.ts in its own process (see there for `options`). */
export async function startEmulator(options: object): Promise<Emulator> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/emulator.ts', JSON.stringify(options)],
    {cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit']}
  )
  const lines = createInterface({input: child.stdout})[Symbol.asyncIterator]()
  const next = async (): Promise<string> => {
    const {value, done} = await lines.next()
    if (done) throw new Error('the emulator process ended')
    return value
  }
  const info = JSON.parse(await next()) as {url: string; token: string; rawReportId: string}
  return {
    ...info,
    requests: async () => {
      child.stdin.write('requests\n')
      return Number(await next())
    },
    stop: async () => {
      child.stdin.end()
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}

export interface Figures {
  runs: Run[]
  /** Requests one run made (counted in the warm-up). */
  requests: number
}

/**
 * One warm-up run of each contender (its requests counted), then `rounds`
 * rounds in which each runs once, in an order rotated each round: contenders
 * see the same drift of the machine's load.
 */
export async function inTurns(
  rounds: number,
  given: Record<string, (() => Promise<Run>) | undefined>,
  emulator: Emulator
): Promise<Record<string, Figures>> {
  const contenders = Object.fromEntries(
    Object.entries(given).filter((entry): entry is [string, () => Promise<Run>] => !!entry[1])
  )
  const keys = Object.keys(contenders)
  const figures: Record<string, Figures> = {}
  await emulator.requests()
  for (const key of keys) {
    await contenders[key]()
    figures[key] = {runs: [], requests: await emulator.requests()}
  }
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(round + i) % keys.length]
      figures[key].runs.push(await contenders[key]())
    }
  }
  return figures
}

/** The outputs `optimize-as-code … --json` printed: the last line of its stdout. */
export function cliOutputs(run: Run): Map<string, string> {
  const last = run.stdout.trim().split('\n').pop() ?? '{}'
  return new Map(Object.entries(JSON.parse(last) as Record<string, string>))
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/**
 * Milliseconds to create 1,000 empty files in a new folder of the workspace
 * disk, one after another: how costly a file creation is on this disk right
 * now (it varies many times over with what else the machine is writing).
 */
let probes = 0
export function diskProbe(): number {
  const dir = path.join(WORK, `probe-${process.pid}-${++probes}`)
  mkdirSync(dir)
  const started = performance.now()
  for (let i = 0; i < 1000; i++) writeFileSync(path.join(dir, `${i}.json`), '', {flag: 'wx'})
  // Left for the end of the bench, as the cases' folders (cases.ts withEmulator).
  return performance.now() - started
}

/** The machine the figures are from, and the file system the workspaces are on. */
export function machine(): {line: string; fsType: string} {
  const df = spawnSync('df', ['--output=fstype', WORK], {encoding: 'utf8'})
  const fsType = df.stdout.trim().split('\n').pop() ?? 'unknown'
  const cpus = os.cpus()
  const line = `node ${process.version}, ${cpus.length} cores (${cpus[0]?.model.trim() ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Linux ${os.release()}, workspace ${path.relative(ROOT, WORK)}/ on ${fsType}${existsSync(TIME) ? '' : ' (no /usr/bin/time: no peak RSS)'}`
  return {line, fsType}
}
