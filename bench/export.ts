/**
 * Export of 200 dashboards × 10 reports from the emulator (in its own process):
 * - requests: at most 2 + ⌈dashboards / batch size⌉
 * - wall time against a floor: a bare `fetch` of the same export payloads
 *   (list + the same batched bulk exports, bodies read, nothing parsed), the
 *   two measured in turns
 * - a naive exporter that makes one call per dashboard, for comparison
 * - cold start of `node dist/index.js` (the bundled action) to its first request
 * - start of export's helper thread from its bundle, to its first answer: once a
 *   process, on the second core while the first requests are on their way (the
 *   export runs above share one thread, as one process does)
 */
import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {promisify} from 'node:util'
import {Worker} from 'node:worker_threads'
import {runExport} from '../src/export.js'
import {createCliIo} from '../src/io.js'
import {ExportWorker, WORKER_ROLE} from '../src/export-worker.js'
import {OptimizeClient} from '../src/optimize/client.js'
import {parseSettings} from '../src/settings.js'
import {interleaved, median, ms, ratio, ROOT, spawnEmulator} from './support.js'

const DASHBOARDS = 200
const REPORTS_PER_DASHBOARD = 10
const BATCH_SIZE = 100
const RUNS = 7

export interface ExportBenchFigures {
  dashboards: number
  reports: number
  requests: number
  requestLimit: number
  floorMs: number
  exportMs: number
  /** The same export with a helper thread started for it, as one run of the action does. */
  freshThreadMs: number
  /** Re-export when nothing changed (the daily case): no file written. */
  unchangedMs: number
  naiveMs: number
  ratio: number
  coldStartMs: number
  workerStartMs: number
}

export async function runExportBench(): Promise<ExportBenchFigures> {
  const emulator = await spawnEmulator([
    '--generate',
    `${DASHBOARDS}x${REPORTS_PER_DASHBOARD}`,
    '--collection',
    'bench'
  ])
  // Files go to tmpfs when there is one: the figure is the action's own cost, not
  // this virtual machine's disk, whose write-back stalls vary run to run by seconds.
  const work = await mkdtemp(
    path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'oac-bench-')
  )
  try {
    const headers = {authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json'}
    const list = async (kind: 'dashboard' | 'report'): Promise<{id: string}[]> =>
      (await (
        await fetch(`${emulator.url}/api/public/${kind}?collectionId=bench`, {headers})
      ).json()) as {id: string}[]
    const dashboardIds = (await list('dashboard')).map(d => d.id)

    // The floor: the same requests with bare fetch, bodies read as text and thrown away.
    const floor = async (): Promise<void> => {
      const ids = (await Promise.all([list('dashboard'), list('report')]))[0].map(d => d.id)
      const batches = []
      for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE))
      await Promise.all(
        batches.map(async batch => {
          const response = await fetch(
            `${emulator.url}/api/public/export/dashboard/definition/json`,
            {
              method: 'POST',
              headers,
              body: JSON.stringify(batch)
            }
          )
          await response.text()
        })
      )
    }

    const io = {
      ...createCliIo(),
      info: () => {},
      group: async <T>(_title: string, fn: () => Promise<T>) => fn()
    }
    const settingsIn = (workspace: string) =>
      parseSettings(
        name =>
          ({
            'optimize-url': emulator.url,
            'access-token': emulator.token,
            'collection-id': 'bench',
            'batch-size': String(BATCH_SIZE),
            commit: 'none'
          })[name as string] ?? '',
        {GITHUB_WORKSPACE: workspace},
        io
      )
    let requests = 0
    const steadySettings = settingsIn(await mkdtemp(path.join(work, 'steady-')))
    // Taken in turns with the floor, so that both see the same load of the machine.
    const figures = await interleaved(RUNS, {
      floor,
      // Each run exports into a fresh workspace, as a first export does. (Rewriting a tree
      // just deleted with rm -rf is several times slower on ext4, and no user does that.)
      export: async () => {
        const settings = settingsIn(await mkdtemp(path.join(work, 'run-')))
        const client = OptimizeClient.create(settings.connection!, io)
        await runExport(settings, io, {client})
        requests = client.requestCount
      },
      // The same, each with a new helper thread from its bundle: what one run of the action pays.
      freshThread: async () => {
        const settings = settingsIn(await mkdtemp(path.join(work, 'fresh-')))
        const worker = ExportWorker.create(() => new Worker(WORKER_BUNDLE, WORKER_OPTIONS))
        try {
          await runExport(settings, io, {worker})
        } finally {
          await worker.close()
        }
      },
      // A re-export with nothing changed: reads the tree, writes nothing.
      unchanged: async () => runExport(steadySettings, io)
    })
    const {
      floor: floorMs,
      export: exportMs,
      freshThread: freshThreadMs,
      unchanged: unchangedMs
    } = figures

    // A naive exporter: one export call per dashboard.
    const naiveMs = await median(1, async () => {
      for (const id of dashboardIds) {
        const response = await fetch(
          `${emulator.url}/api/public/export/dashboard/definition/json`,
          {
            method: 'POST',
            headers,
            body: JSON.stringify([id])
          }
        )
        await response.json()
      }
    })

    const coldStartMs = await coldStart(work, emulator.url, emulator.token)
    const workerStartMs = await median(RUNS, workerStart)
    return {
      dashboards: DASHBOARDS,
      reports: DASHBOARDS * REPORTS_PER_DASHBOARD,
      requests,
      requestLimit: 2 + Math.ceil(DASHBOARDS / BATCH_SIZE),
      floorMs,
      exportMs,
      freshThreadMs,
      unchangedMs,
      naiveMs,
      ratio: exportMs / floorMs,
      coldStartMs,
      workerStartMs
    }
  } finally {
    await emulator.stop()
    await rm(work, {recursive: true, force: true})
  }
}

const WORKER_BUNDLE = path.join(ROOT, 'dist/export-worker/index.js')
// As the action starts it: `node dist/index.js` passes no flags, so the thread loads no
// TypeScript loader (this bench runs under tsx, whose hooks a thread inherits by default
// and which triple its start).
const WORKER_OPTIONS = {workerData: {role: WORKER_ROLE}, execArgv: []}

/** Start of the helper thread from dist/export-worker/index.js to its first answer. */
async function workerStart(): Promise<void> {
  const thread = new Worker(WORKER_BUNDLE, WORKER_OPTIONS)
  thread.postMessage({
    id: 0,
    texts: ['{"id":"d","exportEntityType":"dashboard","tiles":[]}'],
    keys: [null]
  })
  await new Promise((resolve, reject) => {
    thread.once('message', resolve)
    thread.once('error', reject)
  })
  await thread.terminate()
}

/** Wall time of `node dist/index.js` validating a tree: start-up cost of the bundle, no network. */
async function coldStart(work: string, _url: string, _token: string): Promise<number> {
  const workspace = path.join(work, 'cold')
  await rm(workspace, {recursive: true, force: true})
  await promisify(execFile)('mkdir', ['-p', workspace])
  const outputFile = path.join(work, 'cold-output')
  await writeFile(outputFile, '')
  const env = {
    ...process.env,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    INPUT_COMMAND: 'validate'
  }
  return median(RUNS, async () => {
    await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist/index.js')], {env}).catch(
      () => undefined
    )
  })
}

export function formatExportBench(f: ExportBenchFigures): string[] {
  return [
    `export ${f.dashboards} dashboards × ${f.reports / f.dashboards} reports: ${f.requests} requests (limit ${f.requestLimit})`,
    `  bare fetch floor ${ms(f.floorMs)}, export ${ms(f.exportMs)} = ${ratio(f.exportMs, f.floorMs)} (target ≤ 1.5×), naive one-call-per-dashboard ${ms(f.naiveMs)} = ${ratio(f.naiveMs, f.floorMs)}`,
    `  with a helper thread started for each export, as one run of the action does: ${ms(f.freshThreadMs)} = ${ratio(f.freshThreadMs, f.floorMs)}`,
    `  re-export with nothing changed: ${ms(f.unchangedMs)} = ${ratio(f.unchangedMs, f.floorMs)}`,
    `  cold start of node dist/index.js: ${ms(f.coldStartMs)}; start of the helper thread (once a process): ${ms(f.workerStartMs)}`
  ]
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  console.log(formatExportBench(await runExportBench()).join('\n'))
}
