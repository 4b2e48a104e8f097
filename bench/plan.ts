/**
 * Benchmark of `plan` and `import` against the emulator: `npx tsx bench/plan.ts`.
 *
 * Targets:
 * - `plan` of 200 dashboards (× ~10 reports) against a target that holds them
 *   all ≤ 2 × the floor: listing and exporting the target collection with plain
 *   `fetch` (same emulator, same batches of 100 ids), measured in the same run.
 *   The plan also reads and checks ~2,300 files and fingerprints both sides.
 * - `import` makes at most one import call per batch of changed dashboards:
 *   200 new dashboards with batch size 100 → 2 calls; 3 changed → 1 call.
 *
 * The emulators run in a child process, as a real Optimize runs elsewhere:
 * the plan reads its files while the server serializes its export. The same
 * run in one process is reported too (emulator and plan then share one
 * thread). Timings are medians of several runs.
 */
import {fork, type ChildProcess} from 'node:child_process'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {fetch} from 'undici'
import {startEmulator, type Emulator} from '../emulator/index.js'
import {runExport} from '../src/export.js'
import {runImport} from '../src/import.js'
import {silentIo} from '../src/io.js'
import {runPlan} from '../src/plan.js'
import {parseSettings, type Settings} from '../src/settings.js'

const DASHBOARDS = 200
const REPORTS_PER_DASHBOARD = 10
const BATCH = 100
const COLLECTION = 'production'

export interface PlanBenchFigures {
  dashboards: number
  reports: number
  files: number
  /** Median ms of listing + exporting the target collection with plain fetch. */
  floorMs: number
  /** Median ms of runPlan (all unchanged: the full comparison). */
  planMs: number
  planRatio: number
  /** Where the emulators ran: a child process (like a real, remote Optimize) or this one. */
  emulators: 'child-process' | 'in-process'
  /** HTTP requests one plan makes. */
  planRequests: number
  /** First import of everything: time and import calls. */
  importMs: number
  importCalls: number
  expectedImportCalls: number
  /** Re-import after 3 dashboards changed in dev. */
  changedImportCalls: number
  /** A rerun with nothing changed. */
  noopImportCalls: number
  targets: {planRatio: boolean; importCalls: boolean}
}

const quietIo = silentIo

/** The two emulators, wherever they run: URLs, tokens, request counts, a change in dev. */
interface Remote {
  dev: {url: string; token: string}
  target: {url: string; token: string}
  count(route?: 'import'): Promise<number>
  targetCounts(): Promise<{dashboards: number; reports: number}>
  changeDev(): Promise<void>
  close(): Promise<void>
}

export async function runPlanBench(
  options: {repeats?: number; inProcess?: boolean} = {}
): Promise<PlanBenchFigures> {
  const repeats = options.repeats ?? 5
  const workspace = await mkdtemp(path.join(tmpdir(), 'oac-plan-bench-'))
  const remote = options.inProcess ? await inProcessEmulators() : await childEmulators()
  try {
    const exportSettings = settingsFor(remote.dev, workspace, {
      command: 'export',
      'collection-id': 'dev',
      commit: 'none'
    })
    await runExport(exportSettings, quietIo)
    const settings = (inputs: Record<string, string> = {}): Settings =>
      settingsFor(remote.target, workspace, {
        command: 'import',
        'collection-id': COLLECTION,
        ...inputs
      })

    // First import: every dashboard is new.
    let started = performance.now()
    await runImport(settings(), quietIo)
    const importMs = performance.now() - started
    const importCalls = await remote.count('import')

    // Plan against the full target, and the plain-fetch floor, interleaved.
    const planTimes: number[] = []
    const floorTimes: number[] = []
    let planRequests = 0
    for (let i = 0; i < repeats; i++) {
      started = performance.now()
      await floor(remote.target)
      floorTimes.push(performance.now() - started)
      const before = await remote.count()
      started = performance.now()
      const result = await runPlan(settings({command: 'plan'}), quietIo)
      planTimes.push(performance.now() - started)
      planRequests = (await remote.count()) - before
      if (result.outputs['has-changes'] !== 'false')
        throw new Error('the bench plan should be all unchanged')
    }

    // Three dashboards change in dev: one import call.
    await remote.changeDev()
    await runExport(exportSettings, quietIo)
    let calls = await remote.count('import')
    await runImport(settings(), quietIo)
    const changedImportCalls = (await remote.count('import')) - calls
    calls = await remote.count('import')
    await runImport(settings(), quietIo)
    const noopImportCalls = (await remote.count('import')) - calls

    const floorMs = median(floorTimes)
    const planMs = median(planTimes)
    const expectedImportCalls = Math.ceil(DASHBOARDS / BATCH)
    const counts = await remote.targetCounts()
    return {
      dashboards: counts.dashboards,
      reports: counts.reports,
      files: counts.dashboards + counts.reports,
      floorMs: round(floorMs),
      planMs: round(planMs),
      planRatio: round(planMs / floorMs),
      emulators: options.inProcess ? 'in-process' : 'child-process',
      planRequests,
      importMs: round(importMs),
      importCalls,
      expectedImportCalls,
      changedImportCalls,
      noopImportCalls,
      targets: {
        planRatio: planMs <= 2 * floorMs,
        importCalls:
          importCalls <= expectedImportCalls && changedImportCalls <= 1 && noopImportCalls === 0
      }
    }
  } finally {
    await remote.close()
    await rm(workspace, {recursive: true, force: true})
  }
}

async function startEmulators(): Promise<{dev: Emulator; target: Emulator}> {
  const dev = await startEmulator({idSeed: 1})
  const target = await startEmulator({idSeed: 2})
  prepareDev(dev)
  prepareTarget(target, dev)
  return {dev, target}
}

function changeDev(dev: Emulator): void {
  for (const d of dev.state.listDashboards('dev').slice(0, 3))
    dev.state.updateDashboard(String(d.id), x => void (x.description = 'Changed for the bench'))
}

async function inProcessEmulators(): Promise<Remote> {
  const {dev, target} = await startEmulators()
  return {
    dev,
    target,
    count: async route => target.requests.count(route),
    targetCounts: async () => ({
      dashboards: target.state.listDashboards(COLLECTION).length,
      reports: target.state.listReports(COLLECTION).length
    }),
    changeDev: async () => changeDev(dev),
    close: async () => void (await Promise.all([dev.close(), target.close()]))
  }
}

type Message = {id: number; op: 'count' | 'targetCounts' | 'changeDev'; route?: 'import'}

/** This file again with --emulators: the emulators in their own process, answering over IPC. */
async function childEmulators(): Promise<Remote> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--emulators'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const ready = await new Promise<{dev: Remote['dev']; target: Remote['target']}>(
    (resolve, reject) => {
      child.once('message', message =>
        resolve(message as {dev: Remote['dev']; target: Remote['target']})
      )
      child.once('exit', code => reject(new Error(`emulator process exited with ${code}`)))
    }
  )
  let next = 0
  const ask = async <T>(op: Message['op'], route?: 'import'): Promise<T> => {
    const id = ++next
    return new Promise<T>(resolve => {
      const onMessage = (message: unknown): void => {
        const reply = message as {id: number; value: T}
        if (reply.id !== id) return
        child.off('message', onMessage)
        resolve(reply.value)
      }
      child.on('message', onMessage)
      child.send({id, op, route} satisfies Message)
    })
  }
  return {
    ...ready,
    count: async route => ask<number>('count', route),
    targetCounts: async () => ask('targetCounts'),
    changeDev: async () => ask('changeDev'),
    close: async () => {
      child.kill()
      await new Promise(resolve => child.once('exit', resolve))
    }
  }
}

async function serveEmulators(): Promise<void> {
  const {dev, target} = await startEmulators()
  process.on('message', message => {
    const {id, op, route} = message as Message
    let value: unknown = null
    if (op === 'count') value = target.requests.count(route)
    else if (op === 'targetCounts')
      value = {
        dashboards: target.state.listDashboards(COLLECTION).length,
        reports: target.state.listReports(COLLECTION).length
      }
    else changeDev(dev)
    process.send?.({id, value})
  })
  process.send?.({
    dev: {url: dev.url, token: dev.token},
    target: {url: target.url, token: target.token}
  })
}

/** Generated dev content, with unique dashboard names (identity is the name). */
function prepareDev(dev: Emulator): void {
  dev.state.addCollection({id: 'dev', name: 'Dev'})
  dev.state.generate({
    collectionId: 'dev',
    dashboards: DASHBOARDS,
    reportsPerDashboard: REPORTS_PER_DASHBOARD,
    seed: 11
  })
  const seen = new Map<string, number>()
  for (const d of dev.state.listDashboards('dev')) {
    const count = (seen.get(String(d.name)) ?? 0) + 1
    seen.set(String(d.name), count)
    if (count > 1)
      dev.state.updateDashboard(String(d.id), x => void (x.name = `${String(x.name)} (${count})`))
  }
}

function prepareTarget(target: Emulator, dev: Emulator): void {
  target.state.addCollection({id: COLLECTION, name: 'Production'})
  for (const d of dev.state.definitions.values()) {
    target.state.addDefinition({type: d.type, key: d.key, versions: d.versions, tenants: d.tenants})
    target.state.addToScope(COLLECTION, d.type, d.key, d.tenants)
  }
}

function settingsFor(
  emu: {url: string; token: string},
  workspace: string,
  inputs: Record<string, string>
): Settings {
  const all: Record<string, string> = {
    path: 'optimize',
    'optimize-url': emu.url,
    'access-token': emu.token,
    'batch-size': String(BATCH),
    'plan-file': 'plan.json',
    ...inputs
  }
  return parseSettings(name => all[name] ?? '', {GITHUB_WORKSPACE: workspace}, quietIo)
}

/** The floor: list the collection, export its dashboards (with their reports) and the other reports. */
async function floor(emu: {url: string; token: string}): Promise<void> {
  const headers = {authorization: `Bearer ${emu.token}`, 'content-type': 'application/json'}
  const get = async (route: string): Promise<{id: string}[]> =>
    (await (
      await fetch(`${emu.url}/api/public/${route}?collectionId=${COLLECTION}`, {headers})
    ).json()) as {id: string}[]
  const post = async (route: string, ids: string[]): Promise<{id: string}[]> =>
    (await (
      await fetch(`${emu.url}/api/public/export/${route}/definition/json`, {
        method: 'POST',
        headers,
        body: JSON.stringify(ids)
      })
    ).json()) as {id: string}[]
  const [dashboards, reports] = await Promise.all([get('dashboard'), get('report')])
  const batches: string[][] = []
  for (let i = 0; i < dashboards.length; i += BATCH)
    batches.push(dashboards.slice(i, i + BATCH).map(d => d.id))
  const exported = (await Promise.all(batches.map(async batch => post('dashboard', batch)))).flat()
  const seen = new Set(exported.map(e => e.id))
  const rest = reports.map(r => r.id).filter(id => !seen.has(id))
  if (rest.length > 0) await post('report', rest)
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

if (process.argv.includes('--emulators')) {
  await serveEmulators()
} else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const figures = await runPlanBench()
  const inProcess = await runPlanBench({inProcess: true})
  console.log(JSON.stringify({childProcess: figures, inProcess}, null, 2))
  if (!figures.targets.planRatio || !figures.targets.importCalls) process.exitCode = 1
}
