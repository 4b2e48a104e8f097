/**
 * Benchmark of `export-data` against the emulator: `npx tsx bench/export-data.ts`.
 *
 * Targets: throughput of runExportData ≥ 0.8 × a bare paginated fetch loop that
 * discards the pages (same emulator, same page size: limit 10000), and peak RSS
 * ≤ 150 MB that does not grow with the number of rows (100k vs 1M rows).
 *
 * The emulator runs in this (parent) process; every measured run is a child
 * process (this same file with `--child`), so the child's peak RSS
 * (VmHWM, see peakRssKb) counts the client alone, never the
 * emulator's memory.
 */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {fetch} from 'undici'
import {startEmulator} from '../emulator/index.js'
import {runExportData} from '../src/export-data.js'
import type {Io} from '../src/io.js'
import {parseSettings} from '../src/settings.js'

// Page size of both sides; BENCH_LIMIT overrides it (the action's default is 1000).
const LIMIT = Number(process.env.BENCH_LIMIT ?? 10_000)
const BIG = 1_000_000
const SMALL = 100_000

/** `idle`: loads the same modules and does nothing, for the RSS floor of a child. */
type Mode = 'fetch' | 'export' | 'idle'

export interface RunFigures {
  mode: Mode
  rows: number
  ms: number
  recordsPerSecond: number
  /** Peak resident set size of the child process, MB. */
  maxRssMb: number
  /** Size of the file written (0 for the fetch loop), MB. */
  fileMb: number
  /**
   * With `live`: the most memory held after a forced GC (heap used + external),
   * sampled every 250 ms, MB. Peak RSS also counts garbage not yet collected and
   * freed memory the allocator keeps, which grow with the run's length whatever
   * the code does (the bare fetch loop shows it too); this is what the code holds.
   */
  liveMb?: number
}

export interface ExportDataBenchFigures {
  limit: number
  baseline: RunFigures
  exportData: RunFigures
  exportDataSmall: RunFigures
  /** Live memory (see RunFigures.liveMb) of exports of `smallRows` and of `rows` rows. */
  live: {small: RunFigures; big: RunFigures}
  /** Peak RSS of a child that only loads the modules (Node + tsx + dependencies), MB. */
  idleRssMb: number
  /** The bundled CLI (`node dist/cli/index.js export-data`), as a workflow runs it. */
  bundle: RunFigures
  bundleSmall: RunFigures
  /** exportData.recordsPerSecond / baseline.recordsPerSecond (best of the runs). */
  throughputRatio: number
  targets: {throughputRatio: boolean; maxRss: boolean; rssFlat: boolean}
}

export async function runExportDataBench(
  options: {rows?: number; smallRows?: number; repeats?: number} = {}
): Promise<ExportDataBenchFigures> {
  const rows = options.rows ?? BIG
  const smallRows = options.smallRows ?? SMALL
  const repeats = options.repeats ?? 2
  const emu = await startEmulator()
  const big = addRawReport(emu.state, '00000000-0000-4000-8000-00000000b001', rows)
  const small = addRawReport(emu.state, '00000000-0000-4000-8000-00000000b002', smallRows)
  const child = async (
    mode: Mode,
    reportId: string,
    n: number,
    live = false
  ): Promise<RunFigures> =>
    runChild({mode, url: emu.url, token: emu.token, reportId, rows: n, live})
  try {
    // Alternating runs, best of each: both sides see the same warm emulator.
    const baselines: RunFigures[] = []
    const exports: RunFigures[] = []
    for (let i = 0; i < repeats; i++) {
      baselines.push(await child('fetch', big, rows))
      exports.push(await child('export', big, rows))
    }
    const exportDataSmall = await child('export', small, smallRows)
    // What a workflow runs: the bundled CLI, without tsx, its own peak RSS.
    const bundle = await runBundle(emu.url, emu.token, big, rows)
    const bundleSmall = await runBundle(emu.url, emu.token, small, smallRows)
    const idle = await child('idle', small, 0)
    const live = {
      small: await child('export', small, smallRows, true),
      big: await child('export', big, rows, true)
    }
    const baseline = fastest(baselines)
    const exportData = fastest(exports)
    const throughputRatio = exportData.recordsPerSecond / baseline.recordsPerSecond
    const peakRss = Math.max(...exports.map(r => r.maxRssMb))
    return {
      limit: LIMIT,
      baseline,
      exportData: {...exportData, maxRssMb: peakRss},
      exportDataSmall,
      live,
      idleRssMb: idle.maxRssMb,
      bundle,
      bundleSmall,
      throughputRatio: round(throughputRatio, 3),
      targets: {
        throughputRatio: throughputRatio >= 0.8,
        maxRss: bundle.maxRssMb <= 150,
        // "Not growing": 10× the rows may cost a little allocator slack, not 10× the memory.
        rssFlat: (live.big.liveMb ?? Infinity) <= (live.small.liveMb ?? 0) * 1.25 + 5
      }
    }
  } finally {
    await emu.close()
  }
}

function addRawReport(
  state: Awaited<ReturnType<typeof startEmulator>>['state'],
  id: string,
  rows: number
): string {
  state.putEntity(
    {
      id,
      exportEntityType: 'single_process_report',
      name: 'Benchmark instance list',
      data: {
        definitions: [{key: 'invoice', versions: ['all'], tenantIds: [null]}],
        view: {entity: null, properties: ['rawData']},
        groupBy: {type: 'none', value: null},
        visualization: 'table'
      }
    },
    null
  )
  state.setRawData(id, {rows, seed: 7})
  return id
}

/** Runs `node dist/cli/index.js export-data` and reads its peak RSS from the preloaded reporter. */
async function runBundle(
  url: string,
  token: string,
  reportId: string,
  rows: number
): Promise<RunFigures> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  const workspace = await mkdtemp(path.join(tmpdir(), 'oac-bench-cli-'))
  try {
    const started = performance.now()
    const proc = spawn(
      process.execPath,
      [
        '--import',
        path.join(root, 'bench/report-rss.mjs'),
        path.join(root, 'dist/cli/index.js'),
        'export-data',
        '--optimize-url',
        url,
        '--report-ids',
        reportId,
        '--limit',
        String(LIMIT),
        '--json'
      ],
      {
        cwd: workspace,
        env: {...process.env, GITHUB_WORKSPACE: workspace, OPTIMIZE_ACCESS_TOKEN: token},
        stdio: ['ignore', 'pipe', 'pipe']
      }
    )
    let out = ''
    let err = ''
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    const code = await new Promise<number | null>(resolve => proc.on('close', resolve))
    const ms = performance.now() - started
    if (code !== 0) throw new Error(`bundled CLI exited with ${code}: ${err}`)
    const records = Number(
      (JSON.parse(out.trim().split('\n').pop() ?? '{}') as {records?: string}).records
    )
    if (records !== rows) throw new Error(`bundled CLI: ${records} records, expected ${rows}`)
    const maxRssKb = Number(/maxrss-kb=(\d+)/.exec(err)?.[1])
    return {
      mode: 'export',
      rows,
      ms: Math.round(ms),
      recordsPerSecond: Math.round(rows / (ms / 1000)),
      maxRssMb: round(maxRssKb / 1024, 1),
      fileMb: 0
    }
  } finally {
    await rm(workspace, {recursive: true, force: true})
  }
}

interface ChildArgs {
  mode: Mode
  url: string
  token: string
  reportId: string
  rows: number
  live?: boolean
}

async function runChild(args: ChildArgs): Promise<RunFigures> {
  const self = fileURLToPath(import.meta.url)
  const flags = args.live ? ['--expose-gc'] : []
  const proc = spawn(
    process.execPath,
    [...flags, '--import', 'tsx', self, '--child', JSON.stringify(args)],
    {
      cwd: path.resolve(path.dirname(self), '..'),
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  let out = ''
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  const code = await new Promise<number | null>(resolve => proc.on('close', resolve))
  if (code !== 0) throw new Error(`benchmark child (${args.mode}) exited with ${code}: ${out}`)
  return JSON.parse(out.trim().split('\n').pop() ?? '') as RunFigures
}

/** In the child: one measured run, its figures as the last stdout line. */
async function child(args: ChildArgs): Promise<void> {
  const sampler = args.live ? sampleLiveMemory() : undefined
  const started = performance.now()
  let records = 0
  let fileBytes = 0
  if (args.mode === 'fetch') {
    records = await bareFetchLoop(args)
  } else if (args.mode === 'export') {
    const dir = await mkdtemp(path.join(tmpdir(), 'oac-bench-'))
    try {
      const inputs: Record<string, string> = {
        command: 'export-data',
        'optimize-url': args.url,
        'access-token': args.token,
        'report-ids': args.reportId,
        limit: String(LIMIT)
      }
      const settings = parseSettings(name => inputs[name] ?? '', {GITHUB_WORKSPACE: dir}, quietIo)
      const result = await runExportData(settings, quietIo)
      records = Number(result.outputs.records)
      const {stat} = await import('node:fs/promises')
      fileBytes = (await stat(path.join(settings.data.output, `${args.reportId}.ndjson`))).size
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  }
  const ms = performance.now() - started
  if (records !== args.rows)
    throw new Error(`${args.mode}: ${records} records, expected ${args.rows}`)
  const figures: RunFigures = {
    mode: args.mode,
    rows: records,
    ms: Math.round(ms),
    recordsPerSecond: Math.round(records / (ms / 1000)),
    maxRssMb: round(peakRssKb() / 1024, 1),
    fileMb: round(fileBytes / 1024 / 1024, 1),
    liveMb: sampler?.stop()
  }
  process.stdout.write(`${JSON.stringify(figures)}\n`)
}

/** The cheapest honest client: fetch each page, read the id, drop the page. */
async function bareFetchLoop(args: ChildArgs): Promise<number> {
  const base = `${args.url}/api/public/export/report/${args.reportId}/result/json`
  let searchRequestId: string | undefined
  let records = 0
  for (;;) {
    const url = new URL(base)
    url.searchParams.set('limit', String(LIMIT))
    url.searchParams.set('paginationTimeout', '120')
    if (searchRequestId) url.searchParams.set('searchRequestId', searchRequestId)
    const response = await fetch(url, {headers: {authorization: `Bearer ${args.token}`}})
    const text = await response.text()
    if (response.status !== 200) throw new Error(`fetch loop: ${response.status} ${text}`)
    // The envelope comes before `data` in Optimize's field order; no need to parse the rows.
    const head = text.slice(0, 400)
    const count = Number(/"numberOfRecordsInResponse":(\d+)/.exec(head)?.[1] ?? 0)
    const total = Number(/"totalNumberOfRecords":(\d+)/.exec(head)?.[1] ?? 0)
    searchRequestId = /"searchRequestId":"([^"]+)"/.exec(head)?.[1]
    records += count
    if (count === 0 || records >= total) return records
  }
}

/**
 * Peak RSS of this process: VmHWM, which starts afresh with each exec. getrusage's
 * maxRSS does not: Linux carries it over from the parent, so a child started by a
 * large benchmark process would report at least the parent's size.
 */
function peakRssKb(): number {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]
  return hwm ? Number(hwm) : process.resourceUsage().maxRSS
}

/** Forces a GC every 250 ms and keeps the largest heap used + external seen after it. */
function sampleLiveMemory(): {stop(): number} {
  const gc = (globalThis as {gc?: () => void}).gc
  if (!gc) throw new Error('run with --expose-gc')
  let peak = 0
  const sample = (): void => {
    gc()
    const {heapUsed, external} = process.memoryUsage()
    peak = Math.max(peak, heapUsed + external)
  }
  const timer = setInterval(sample, 250)
  return {
    stop: () => {
      clearInterval(timer)
      return round(peak / 1024 / 1024, 1)
    }
  }
}

const quietIo: Io = {
  info: () => {},
  debug: () => {},
  warning: message => process.stderr.write(`warning: ${message}\n`),
  error: message => process.stderr.write(`error: ${message}\n`),
  group: async (_title, fn) => fn(),
  setSecret: () => {},
  setOutput: () => {},
  appendSummary: async () => {}
}

function fastest(runs: RunFigures[]): RunFigures {
  return runs.reduce((best, run) => (run.ms < best.ms ? run : best))
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits))
}

const invokedDirectly =
  process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])
if (invokedDirectly && process.argv[2] === '--child') {
  await child(JSON.parse(process.argv[3] ?? '{}') as ChildArgs)
} else if (invokedDirectly) {
  const figures = await runExportDataBench()
  console.log(JSON.stringify(figures, null, 2))
}
