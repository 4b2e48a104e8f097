/** Shared set-up of the promotion tests: entity trees on disk, settings, emulators. */
import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js'
import type {InputName} from '../../src/constants.js'
import {layoutTree} from '../../src/entities/layout.js'
import {normalizeEntity} from '../../src/entities/normalize.js'
import {runExport} from '../../src/export.js'
import type {Dashboard, Entity, Report} from '../../src/optimize/schemas.js'
import type {Settings} from '../../src/settings.js'
import {writeManagedFiles} from '../../src/workspace/write.js'
import {runAction, type ActionRun} from '../helpers/action.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'

export const TREE = 'optimize'
export const TARGET_COLLECTION = 'target-collection'

/** Writes entities as the export command lays them out; returns the workspace. */
export async function writeTree(entities: readonly Entity[], workspace?: string): Promise<string> {
  const root = workspace ?? (await tempDir('oac-promo-'))
  const dashboards = entities.filter((e): e is Dashboard => e.exportEntityType === 'dashboard')
  const reports = entities.filter((e): e is Report => e.exportEntityType !== 'dashboard')
  const files = layoutTree({
    dashboards: dashboards.map(d => normalizeEntity(d)),
    reports: reports.map(r => normalizeEntity(r))
  })
  await writeManagedFiles(path.join(root, TREE), files)
  return root
}

export async function editJson(
  workspace: string,
  file: string,
  edit: (value: Record<string, unknown>) => void
): Promise<void> {
  const absolute = path.join(workspace, TREE, file)
  const value = JSON.parse(await readFile(absolute, 'utf8')) as Record<string, unknown>
  edit(value)
  await writeFile(absolute, `${JSON.stringify(value, null, 2)}\n`)
}

export function offlineSettings(workspace: string): Settings {
  return makeSettings({command: 'validate', path: TREE}, {workspace})
}

export function targetSettings(
  emu: Emulator,
  workspace: string,
  inputs: Partial<Record<InputName, string>> = {}
): Settings {
  return makeSettings(
    {
      command: 'plan',
      path: TREE,
      'optimize-url': emu.url,
      'access-token': emu.token,
      'collection-id': TARGET_COLLECTION,
      retries: '1',
      'plan-file': 'plan.json',
      ...inputs
    },
    {workspace}
  )
}

export interface DevOptions {
  dashboards: number
  reportsPerDashboard: number
  seed?: number
  /** Reports on no dashboard, copies of generated ones with their own names. */
  standalone?: number
  /** Put the first dashboard's first report on the second dashboard too. */
  share?: boolean
}

/**
 * Makes generated dev content fit identity by name (the generator repeats
 * dashboard names, which validate refuses), and adds standalone and shared
 * reports on request.
 */
function shapeDev(dev: Emulator, options: DevOptions): void {
  const seen = new Map<string, number>()
  const dashboards = dev.state.listDashboards('dev')
  for (const d of dashboards) {
    const count = (seen.get(String(d.name)) ?? 0) + 1
    seen.set(String(d.name), count)
    if (count > 1)
      dev.state.updateDashboard(String(d.id), x => void (x.name = `${String(x.name)} (${count})`))
  }
  const reports = dev.state
    .listReports('dev')
    .filter(r => r.exportEntityType === 'single_process_report')
  for (let i = 0; i < (options.standalone ?? 0); i++) {
    const copy = structuredClone(reports[i % reports.length])
    dev.state.putEntity({...copy, id: uuid(0xa000 + i), name: `Standalone KPI ${i + 1}`}, 'dev')
  }
  if (options.share && dashboards.length > 1) {
    const tile = (dashboards[0].tiles as {id: string; type?: string}[]).find(
      t => t.type === 'optimize_report'
    )
    dev.state.updateDashboard(String(dashboards[1].id), d => {
      ;(d.tiles as unknown[]).push({...tile, position: {x: 0, y: 40}})
    })
  }
}

/** A dev Optimize with generated content, exported to a fresh workspace with the real export command. */
export async function devWorkspace(
  options: DevOptions
): Promise<{workspace: string; dev: Emulator}> {
  const dev = await startEmulator({idSeed: 1})
  dev.state.addCollection({id: 'dev', name: 'Dev'})
  dev.state.generate({
    collectionId: 'dev',
    seed: options.seed ?? 7,
    dashboards: options.dashboards,
    reportsPerDashboard: options.reportsPerDashboard
  })
  shapeDev(dev, options)
  const workspace = await tempDir('oac-promo-')
  await reexport(dev, workspace)
  return {workspace, dev}
}

/** Re-exports the dev collection into the workspace (after changing something in dev). */
export async function reexport(dev: Emulator, workspace: string): Promise<void> {
  const settings = makeSettings(
    {
      command: 'export',
      path: TREE,
      'optimize-url': dev.url,
      'access-token': dev.token,
      'collection-id': 'dev',
      commit: 'none'
    },
    {workspace}
  )
  await runExport(settings, recordingIo())
}

/**
 * A target Optimize whose collection has the dev definitions in scope: the
 * definitions a generated dev collection uses, registered with their tenants.
 */
export async function targetFor(dev: Emulator, options: EmulatorOptions = {}): Promise<Emulator> {
  const target = await startEmulator({idSeed: 2, ...options})
  target.state.addCollection({id: TARGET_COLLECTION, name: 'Production'})
  for (const definition of dev.state.definitions.values()) {
    target.state.addDefinition({
      type: definition.type,
      key: definition.key,
      versions: definition.versions,
      tenants: definition.tenants
    })
    target.state.addToScope(TARGET_COLLECTION, definition.type, definition.key, definition.tenants)
  }
  return target
}

/** Names → ids of the target collection's dashboards and reports, for "nothing moved" checks. */
export function snapshot(emu: Emulator): {dashboards: string[]; reports: string[]} {
  return {
    dashboards: emu.state
      .listDashboards(TARGET_COLLECTION)
      .map(d => String(d.id))
      .sort(),
    reports: emu.state
      .listReports(TARGET_COLLECTION)
      .map(r => String(r.id))
      .sort()
  }
}

const TEMPLATE_REPORT: Report = {
  id: '00000000-0000-4000-8000-000000000000',
  exportEntityType: 'single_process_report',
  name: 'template',
  description: null,
  sourceIndexVersion: 11,
  collectionId: null,
  data: {
    definitions: [
      {
        identifier: 'definition',
        key: 'invoice',
        name: 'Invoice',
        displayName: 'Invoice',
        versions: ['all'],
        tenantIds: [null]
      }
    ],
    filter: [],
    configuration: {color: '#1991c8', showInstanceCount: false},
    view: {entity: 'processInstance', properties: ['frequency']},
    groupBy: {type: 'none', value: null},
    distributedBy: {type: 'none', value: null},
    visualization: 'number',
    managementReport: false,
    instantPreviewReport: false
  }
}

/** A lower-case UUID made from a small number, so tests read well. */
export function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
}

export function processReport(n: number, name: string, data: Record<string, unknown> = {}): Report {
  return {
    ...structuredClone(TEMPLATE_REPORT),
    id: uuid(n),
    name,
    data: {...structuredClone(TEMPLATE_REPORT.data), ...data}
  } as Report
}

export function dashboard(n: number, name: string, reportIds: string[]): Dashboard {
  return {
    id: uuid(n),
    exportEntityType: 'dashboard',
    name,
    description: null,
    sourceIndexVersion: 8,
    collectionId: null,
    tiles: [
      {
        id: '',
        position: {x: 0, y: 0},
        dimensions: {width: 18, height: 1},
        type: 'text',
        configuration: {text: {root: {}}}
      },
      ...reportIds.map((id, i) => ({
        id,
        position: {x: (i % 3) * 6, y: 1 + Math.floor(i / 3) * 4},
        dimensions: {width: 6, height: 4},
        type: 'optimize_report' as const,
        configuration: null
      }))
    ],
    availableFilters: [],
    instantPreviewDashboard: false
  }
}

/**
 * Import requests that may write: every one but the plan's dry runs, which
 * Optimize refuses by design (src/optimize/dry-run.ts) and which carry
 * `dryRun=true`.
 */
export function importCalls(emu: Emulator): number {
  return emu.requests.all().filter(r => r.route === 'import' && r.query.dryRun !== 'true').length
}

/** The plan's dry runs of an import (src/optimize/dry-run.ts). */
export function dryRuns(emu: Emulator): number {
  return emu.requests.all().filter(r => r.route === 'import' && r.query.dryRun === 'true').length
}

/**
 * Runs the bundled action (`node dist/index.js`) against `emulator` as a
 * workflow step would: `path`, its URL and token, one retry, then `inputs`.
 */
export async function runBundled(
  command: 'export' | 'plan' | 'import',
  emulator: Emulator,
  workspace: string,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      command,
      path: TREE,
      'optimize-url': emulator.url,
      'access-token': emulator.token,
      retries: '1',
      ...inputs
    },
    {GITHUB_WORKSPACE: workspace}
  )
}
