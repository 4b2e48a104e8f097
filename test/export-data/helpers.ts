/** Shared set-up of the export-data tests: an emulator, a workspace, settings, a recording Io. */
import {redact} from '../../src/redact.js'
import {mkdtemp, readdir, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterEach} from 'vitest'
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js'
import type {InputName} from '../../src/constants.js'
import type {Io} from '../../src/io.js'
import {OptimizeClient} from '../../src/optimize/client.js'
import {parseSettings, type Settings} from '../../src/settings.js'

export interface TestIo extends Io {
  infos: string[]
  warnings: string[]
  errors: string[]
}

/** Records every message; groups just run. */
export function testIo(): TestIo {
  const io: TestIo = {
    infos: [],
    warnings: [],
    errors: [],
    info: message => void io.infos.push(message),
    debug: () => {},
    warning: message => void io.warnings.push(message),
    error: message => void io.errors.push(message),
    group: async (_title, fn) => fn(),
    setSecret: () => {},
    redact: text => redact(text),
    setOutput: () => {},
    appendSummary: async () => {}
  }
  return io
}

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

export async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator(options)
  cleanups.push(async () => emu.close())
  return emu
}

export async function workspace(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'oac-data-'))
  cleanups.push(async () => rm(dir, {recursive: true, force: true}))
  return dir
}

export function settingsFor(
  emu: Emulator,
  dir: string,
  inputs: Partial<Record<InputName, string>>,
  io: Io = testIo()
): Settings {
  const all: Partial<Record<InputName, string>> = {
    command: 'export-data',
    'optimize-url': emu.url,
    'access-token': emu.token,
    ...inputs
  }
  return parseSettings(name => all[name] ?? '', {GITHUB_WORKSPACE: dir}, io)
}

export function clientFor(settings: Settings, io: Io): OptimizeClient {
  if (!settings.connection) throw new Error('no connection')
  return OptimizeClient.create({...settings.connection, retryBaseMs: 5}, io)
}

let counter = 0
/** A fresh report id (validated ids are lower-case UUIDs in Optimize). */
export function reportId(): string {
  counter++
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`
}

const definition = {key: 'invoice', versions: ['all'], tenantIds: [null]}

/** A raw-data report with `rows` instance rows (§5.3). */
export function addRawReport(emu: Emulator, rows: number, seed = 1): string {
  const id = reportId()
  emu.state.putEntity(
    {
      id,
      exportEntityType: 'single_process_report',
      name: 'Instance list',
      data: {
        definitions: [definition],
        view: {entity: null, properties: ['rawData']},
        groupBy: {type: 'none', value: null},
        visualization: 'table'
      }
    },
    null
  )
  emu.state.setRawData(id, {rows, seed})
  return id
}

/** A number, map or hyper-map report (§5.4). */
export function addResultReport(emu: Emulator, shape: 'number' | 'map' | 'hypermap'): string {
  const id = reportId()
  emu.state.putEntity(
    {
      id,
      exportEntityType: 'single_process_report',
      name: shape,
      data: {
        definitions: [definition],
        view: {entity: 'processInstance', properties: ['frequency']},
        groupBy: shape === 'number' ? {type: 'none'} : {type: 'startDate', value: {unit: 'month'}},
        distributedBy: shape === 'hypermap' ? {type: 'flowNodes'} : {type: 'none'},
        visualization: shape === 'number' ? 'number' : 'bar'
      }
    },
    null
  )
  return id
}

export function addCombinedReport(emu: Emulator, children: string[]): string {
  const id = reportId()
  emu.state.putEntity(
    {
      id,
      exportEntityType: 'combined_report',
      name: 'Combined',
      data: {reports: children.map(child => ({id: child, color: '#1991c8'}))}
    },
    null
  )
  return id
}

export async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8')
  return text === '' ? [] : text.replace(/\n$/, '').split('\n')
}

/** processInstanceId of every NDJSON line, to prove there is no duplicate and no gap. */
export async function instanceIds(file: string): Promise<string[]> {
  return (await readLines(file)).map(
    line => (JSON.parse(line) as {processInstanceId: string}).processInstanceId
  )
}

/** The instance ids the emulator gives rows 0..n-1 (rows.ts: 2251799813685248 + index). */
export function expectedIds(n: number): string[] {
  return Array.from({length: n}, (_, i) => String(2251799813685248 + i))
}

/** Every file left in the output folder (temporary ones included). */
export async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).sort()
}

export const SCROLL_GONE_BODY = JSON.stringify({
  errorCode: 'badRequestError',
  errorMessage: 'The server was unable to process the request.',
  detailedMessage:
    'Failed to retrieve the next page of the report result: Elasticsearch exception [type=search_context_missing_exception, reason=No search context found for id [1234]]',
  reportDefinition: null
})
