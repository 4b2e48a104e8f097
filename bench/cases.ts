/**
 * The cases of `npm run bench`: each starts its emulator, prepares what it
 * needs, then takes the action (or the CLI) and its floor (bench/floor.mjs)
 * in turns. Every run is checked: the outputs say what the case expects.
 *
 * Over 300 lines: the five cases and the contenders they share, each case
 * read top to bottom.
 */
import {mkdir, rm} from 'node:fs/promises'
import * as path from 'node:path'
import {INPUT_DOCS} from '../src/input-docs.js'
import {
  actionOutputs,
  cleanEnv,
  cliOutputs,
  inTurns,
  runnerEnv,
  startEmulator,
  timed,
  WORK,
  ROOT,
  type Emulator,
  type Figures,
  type Run
} from './measure.js'

/** The floor sends what the action sends by default (action.yml's defaults). */
const BATCH_SIZE = Number(INPUT_DOCS.find(doc => doc.name === 'batch-size')?.default)
const CONCURRENCY = Number(INPUT_DOCS.find(doc => doc.name === 'concurrency')?.default)
/** Rows a page of export-data: the most Optimize allows, as a large export would ask. */
const LIMIT = 10_000
const ACTION = path.join(ROOT, 'dist/index.js')
const CLI = path.join(ROOT, 'dist/cli/index.js')
const FLOOR = path.join(ROOT, 'bench/floor.mjs')
/** The entity folder in the workspace: the input `path`'s default. */
const ENTITY_FOLDER = String(INPUT_DOCS.find(doc => doc.name === 'path')?.default)

export interface CaseResult {
  title: string
  figures: Record<string, Figures>
  /** `action / floor` of wall time, or `floor / action` (throughput) for export-data. */
  compare: {of: string; to: string; throughput?: boolean; target: string}
  /** Peak RSS target of the first contender, MB. */
  rssTarget?: number
}

/** `before`: the bundled action of another commit, run in the same turns when given. */
type Case = (rounds: number, before?: string) => Promise<CaseResult>

/** A folder for one run; removed when the bench ends. */
let folders = 0
function folder(name: string, kind: string): string {
  return path.join(WORK, name, `${kind}-${++folders}`)
}

/** `node dist/index.js` with `inputs`, as the runner starts it; its outputs checked by `expect`. */
async function action(
  dir: string,
  workspace: string,
  inputs: Record<string, string>,
  expect: (outputs: Map<string, string>) => string | undefined,
  bundle = ACTION
): Promise<Run> {
  const env = await runnerEnv(dir, workspace, {commit: 'none', ...inputs})
  const run = await timed({args: [bundle], env, cwd: workspace})
  const problem = expect(await actionOutputs(env))
  if (problem) throw new Error(`${inputs.command ?? 'export'}: ${problem}`)
  return run
}

/** `node dist/cli/index.js <args> --json` in `cwd`, the token in its environment; outputs checked by `expect`. */
async function cli(
  emulator: Emulator,
  cwd: string,
  args: string[],
  expect: (outputs: Map<string, string>) => string | undefined,
  bundle = CLI
): Promise<Run> {
  await mkdir(cwd, {recursive: true})
  const run = await timed({
    args: [bundle, ...args, '--optimize-url', emulator.url, '--json'],
    env: cleanEnv({OPTIMIZE_ACCESS_TOKEN: emulator.token}),
    cwd
  })
  const problem = expect(cliOutputs(run))
  if (problem) throw new Error(`CLI ${args[0]}: ${problem}`)
  return run
}

function connection(emulator: Emulator): Record<string, string> {
  return {'optimize-url': emulator.url, 'access-token': emulator.token}
}

/** bench/floor.mjs with `job`; `expect` checks what it printed. */
async function floor(
  emulator: Emulator,
  job: Record<string, unknown>,
  expect: (result: {entities?: number; records?: number}) => string | undefined
): Promise<Run> {
  const args = [
    FLOOR,
    JSON.stringify({
      url: emulator.url,
      token: emulator.token,
      batchSize: BATCH_SIZE,
      concurrency: CONCURRENCY,
      ...job
    })
  ]
  const run = await timed({args})
  const problem = expect(JSON.parse(run.stdout) as {entities?: number; records?: number})
  if (problem) throw new Error(`floor ${String(job.mode)}: ${problem}`)
  return run
}

const changed = (value: string) => (outputs: Map<string, string>) =>
  outputs.get('changed') === value
    ? undefined
    : `expected changed=${value}, got ${outputs.get('changed')}`
const someEntities = (result: {entities?: number}) =>
  result.entities ? undefined : 'no entities exported'

/**
 * The two floors of an entity case: `job` alone, and with `files()` (a
 * folder to write, or to read: bench/floor.mjs).
 */
function floors(emulator: Emulator, job: Record<string, unknown>, files: () => object) {
  return {
    floor: async () => floor(emulator, job, someEntities),
    'floor+files': async () => floor(emulator, {...job, files: files()}, someEntities)
  }
}

/**
 * Runs `body` with an emulator of `options` and the case's folder, stopping
 * the emulator after. The folder stays until the bench ends (run.ts removes
 * them all): on a disk mounted with `discard`, creating files right after
 * thousands were deleted is 5–20 times slower for a while, which no runner's
 * fresh workspace sees, and only the action (not the floor) creates files.
 */
async function withEmulator(
  name: string,
  options: object,
  body: (emulator: Emulator) => Promise<CaseResult>
): Promise<CaseResult> {
  const emulator = await startEmulator(options)
  await mkdir(path.join(WORK, name), {recursive: true})
  try {
    return await body(emulator)
  } finally {
    await emulator.stop()
  }
}

const exportCollection: Case = async (rounds, before) =>
  withEmulator('export', {dashboards: 200, reports: 10}, async emulator => {
    const inputs = {...connection(emulator), 'collection-id': 'bench'}
    const floorJob = {mode: 'export', collectionId: 'bench'}
    const first = (bundle: string) => async () => {
      const dir = folder('export', 'action')
      return action(dir, path.join(dir, 'workspace'), inputs, changed('true'), bundle)
    }
    const figures = await inTurns(
      rounds,
      {
        action: first(ACTION),
        before: before ? first(before) : undefined,
        cli: async () =>
          cli(
            emulator,
            folder('export', 'cli'),
            ['export', '--collection-id', 'bench'],
            changed('true')
          ),
        ...floors(emulator, floorJob, () => ({write: folder('export', 'floor')}))
      },
      emulator
    )
    return {
      title: 'export 200 dashboards × 10 reports by collection-id, into an empty folder',
      figures,
      compare: {of: 'action', to: 'floor', target: '≤ 1.3×'}
    }
  })

const reExport: Case = async (rounds, before) =>
  withEmulator('re-export', {dashboards: 200, reports: 10}, async emulator => {
    const inputs = {...connection(emulator), 'collection-id': 'bench'}
    let files = ''
    const again = async (bundle: string) => {
      const dir = folder('re-export', 'action')
      const workspace = path.join(dir, 'workspace')
      await action(dir, workspace, inputs, changed('true'), bundle)
      files = path.join(workspace, ENTITY_FOLDER)
      return async () => action(dir, workspace, inputs, changed('false'), bundle)
    }
    const figures = await inTurns(
      rounds,
      {
        action: await again(ACTION),
        before: before ? await again(before) : undefined,
        ...floors(emulator, {mode: 'export', collectionId: 'bench'}, () => ({read: files}))
      },
      emulator
    )
    return {
      title: 're-export of the same 200 × 10 into the same folder, nothing changed',
      figures,
      compare: {of: 'action', to: 'floor', target: '≤ 1.3×'}
    }
  })

const exportIds: Case = async (rounds, before) =>
  withEmulator('export-ids', {dashboards: 1000, reports: 5}, async emulator => {
    const listed = await fetch(`${emulator.url}/api/public/dashboard?collectionId=bench`, {
      headers: {authorization: `Bearer ${emulator.token}`}
    })
    const dashboardIds = ((await listed.json()) as {id: string}[]).map(d => d.id)
    const inputs = {...connection(emulator), 'dashboard-ids': dashboardIds.join('\n')}
    const first = (bundle: string) => async () => {
      const dir = folder('export-ids', 'action')
      return action(dir, path.join(dir, 'workspace'), inputs, changed('true'), bundle)
    }
    const figures = await inTurns(
      rounds,
      {
        action: first(ACTION),
        before: before ? first(before) : undefined,
        ...floors(emulator, {mode: 'export', dashboardIds}, () => ({
          write: folder('export-ids', 'floor')
        }))
      },
      emulator
    )
    return {
      title: 'export 1,000 dashboards × 5 reports by dashboard-ids, into an empty folder',
      figures,
      compare: {of: 'action', to: 'floor', target: '≤ 1.3×'},
      rssTarget: 400
    }
  })

const plan: Case = async (rounds, before) =>
  withEmulator('plan', {dashboards: 200, reports: 10, target: 'production'}, async emulator => {
    const dir = folder('plan', 'action')
    const workspace = path.join(dir, 'workspace')
    const inputs = {...connection(emulator), 'collection-id': 'bench'}
    // The folder, exported from `bench`, then imported into `production` by the action.
    await action(dir, workspace, inputs, changed('true'))
    const target = {...connection(emulator), 'collection-id': 'production'}
    const hasChanges = (value: string) => (outputs: Map<string, string>) =>
      outputs.get('has-changes') === value
        ? undefined
        : `expected has-changes=${value}, got ${outputs.get('has-changes')}`
    await action(dir, workspace, {...target, command: 'import'}, hasChanges('true'))
    const figures = await inTurns(
      rounds,
      {
        action: async () =>
          action(dir, workspace, {...target, command: 'plan'}, hasChanges('false')),
        before: before
          ? async () =>
              action(dir, workspace, {...target, command: 'plan'}, hasChanges('false'), before)
          : undefined,
        ...floors(emulator, {mode: 'plan', collectionId: 'production'}, () => ({
          read: path.join(workspace, ENTITY_FOLDER),
          parse: true
        }))
      },
      emulator
    )
    return {
      title: 'plan of the 200 × 10 folder against a collection holding the same (imported)',
      figures,
      compare: {of: 'action', to: 'floor', target: '≤ 1.5×'}
    }
  })

const ROWS = 1_000_000

const exportData: Case = async (rounds, before) =>
  withEmulator('export-data', {rawRows: ROWS}, async emulator => {
    const reportId = emulator.rawReportId
    const data = (bundle: string) => async () => {
      const cwd = folder('export-data', 'cli')
      const args = ['export-data', '--report-ids', reportId, '--limit', String(LIMIT)]
      const run = await cli(
        emulator,
        cwd,
        args,
        outputs =>
          outputs.get('records') === String(ROWS)
            ? undefined
            : `${outputs.get('records')} records, expected ${ROWS}`,
        bundle
      )
      // Each run writes hundreds of MB: gone before the next.
      await rm(cwd, {recursive: true})
      return run
    }
    const figures = await inTurns(
      rounds,
      {
        cli: data(CLI),
        before: before ? data(path.join(path.dirname(before), 'cli/index.js')) : undefined,
        floor: async () => {
          const output = `${folder('export-data', 'floor')}.ndjson`
          const job = {mode: 'export-data', reportId, limit: LIMIT, output}
          const run = await floor(emulator, job, result =>
            result.records === ROWS ? undefined : `${result.records} records, expected ${ROWS}`
          )
          await rm(output)
          return run
        }
      },
      emulator
    )
    return {
      title: `export-data of a raw-data report, 1,000,000 rows, limit ${LIMIT.toLocaleString('en')} (CLI)`,
      figures,
      compare: {of: 'cli', to: 'floor', throughput: true, target: '≥ 0.9×'},
      rssTarget: 150
    }
  })

export const CASES: Record<string, Case> = {
  export: exportCollection,
  're-export': reExport,
  'export-ids': exportIds,
  plan,
  'export-data': exportData
}
