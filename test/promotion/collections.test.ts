/**
 * The collection in git (issue 20): export by `collection-id` writes
 * collection.json, validate checks the reports against it, and plan and
 * import with `manage-collection` bring the target's collection up to it.
 * Run as the runner runs the action: the bundled `node dist/index.js`.
 */
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js'
import {ensureBundle, outputOf, runAction, said, type ActionRun} from '../helpers/action.js'
import {tempDir} from '../helpers/temp.js'
import {
  TARGET_COLLECTION,
  TREE,
  dashboard,
  editJson,
  importCalls,
  processReport,
  runBundled,
  uuid
} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})
beforeAll(() => ensureBundle())

const SOURCE = 'dev'

/**
 * A dev Optimize whose collection 'Sales KPIs' has three data sources, given
 * out of order: the dashboard 'Sales' with the report 'Invoices' (process
 * 'invoice', the default tenant).
 */
async function salesDev(profile?: EmulatorOptions['profile']): Promise<Emulator> {
  const dev = await startEmulator({idSeed: 1, profile})
  running.push(dev)
  dev.state.addCollection({
    id: SOURCE,
    name: 'Sales KPIs',
    scope: [
      {definitionType: 'process', definitionKey: 'order', tenants: ['eu', null]},
      {definitionType: 'decision', definitionKey: 'approve', tenants: ['eu']},
      {definitionType: 'process', definitionKey: 'invoice', tenants: [null]}
    ]
  })
  dev.state.addDefinition({type: 'process', key: 'invoice', versions: ['1'], tenants: [null]})
  dev.state.putEntity(processReport(1, 'Invoices'), SOURCE)
  dev.state.putEntity(dashboard(2, 'Sales', [uuid(1)]), SOURCE)
  return dev
}

async function exportFrom(dev: Emulator, workspace: string): Promise<ActionRun> {
  return runBundled('export', dev, workspace, {'collection-id': SOURCE, commit: 'none'})
}

async function validate(workspace: string): Promise<ActionRun> {
  return runAction({command: 'validate', path: TREE}, {GITHUB_WORKSPACE: workspace})
}

/** The collection file export must write for salesDev: canonical JSON, sorted, no ids. */
const SALES_COLLECTION = `${JSON.stringify(
  {
    dataSources: [
      {definitionKey: 'approve', definitionType: 'decision', tenants: ['eu']},
      {definitionKey: 'invoice', definitionType: 'process', tenants: [null]},
      {definitionKey: 'order', definitionType: 'process', tenants: [null, 'eu']}
    ],
    formatVersion: 1,
    name: 'Sales KPIs'
  },
  null,
  2
)}\n`

describe('export writes the collection file', () => {
  it('holds the name and the sorted data sources, is listed in the manifest, and a second export leaves it byte for byte', async () => {
    const dev = await salesDev()
    const workspace = await tempDir('oac-coll-')
    const first = await exportFrom(dev, workspace)
    expect(first.code, said(first)).toBe(0)
    const file = path.join(workspace, TREE, 'collection.json')
    const text = await readFile(file, 'utf8')
    expect(text).toBe(SALES_COLLECTION)
    const manifest = JSON.parse(
      await readFile(path.join(workspace, TREE, 'optimize-as-code.json'), 'utf8')
    ) as {files: string[]}
    expect(manifest.files).toContain('collection.json')
    expect(JSON.parse(outputOf(first, 'files') ?? '[]')).toContain(`${TREE}/collection.json`)

    const second = await exportFrom(dev, workspace)
    expect(second.code, said(second)).toBe(0)
    expect(outputOf(second, 'changed')).toBe('false')
    expect(await readFile(file, 'utf8')).toBe(text)
    expect((await validate(workspace)).code).toBe(0)
  })

  it('on Optimize before 8.6 (no collection endpoint) writes none and says so once, without failing', async () => {
    const dev = await salesDev('3.11-3.14')
    const workspace = await tempDir('oac-coll-')
    const run = await exportFrom(dev, workspace)
    expect(run.code, said(run)).toBe(0)
    expect(existsSync(path.join(workspace, TREE, 'collection.json'))).toBe(false)
    expect(existsSync(path.join(workspace, TREE, 'reports', 'invoices.json'))).toBe(true)
    const notes = said(run).match(
      /No collection\.json written: this Optimize has no collection endpoint/g
    )
    expect(notes).toHaveLength(1)
    expect(said(run)).not.toMatch(/::(warning|error)/)
  })
})

describe('validate checks the reports against the collection file', () => {
  it('refuses a report whose definition is not a data source, naming the file, the line and the definition', async () => {
    const dev = await salesDev()
    const workspace = await tempDir('oac-coll-')
    expect((await exportFrom(dev, workspace)).code).toBe(0)
    await editJson(workspace, 'reports/invoices.json', report => {
      const data = report.data as {definitions: {key: string}[]}
      data.definitions[0].key = 'refund'
    })
    const run = await validate(workspace)
    expect(run.code).not.toBe(0)
    expect(said(run)).toMatch(
      /::error title=optimize-as-code validate,file=optimize\/reports\/invoices\.json,line=\d+,col=\d+::process definition 'refund' is not a data source of the collection \(collection\.json\)/
    )
  })

  it('refuses a tenant the data source lacks, at the tenant', async () => {
    const dev = await salesDev()
    const workspace = await tempDir('oac-coll-')
    expect((await exportFrom(dev, workspace)).code).toBe(0)
    await editJson(workspace, 'reports/invoices.json', report => {
      const data = report.data as {definitions: {tenantIds: (string | null)[]}[]}
      data.definitions[0].tenantIds = [null, 'us']
    })
    const run = await validate(workspace)
    expect(run.code).not.toBe(0)
    expect(said(run)).toMatch(
      /file=optimize\/reports\/invoices\.json,line=\d+,col=\d+::tenant 'us' of process definition 'invoice' is not in its data source in collection\.json/
    )
    expect(said(run)).not.toMatch(/tenant none/)
  })
})

/** The action's plan or import against `target` with manage-collection, in `workspace`. */
async function promote(
  command: 'plan' | 'import',
  target: Emulator,
  workspace: string,
  inputs: Record<string, string>
): Promise<ActionRun> {
  return runBundled(command, target, workspace, {
    'manage-collection': 'true',
    'plan-file': 'plan.json',
    ...inputs
  })
}

/** A target Optimize of `profile` that knows the definition the report uses. */
async function salesTarget(profile?: EmulatorOptions['profile']): Promise<Emulator> {
  const target = await startEmulator({idSeed: 2, profile})
  running.push(target)
  target.state.addDefinition({type: 'process', key: 'invoice', versions: ['1'], tenants: [null]})
  return target
}

/** A workspace exported from salesDev: the Sales dashboard and collection.json. */
async function salesWorkspace(): Promise<string> {
  const dev = await salesDev()
  const workspace = await tempDir('oac-coll-')
  const run = await exportFrom(dev, workspace)
  expect(run.code, said(run)).toBe(0)
  return workspace
}

interface PlanJson {
  collectionId: string | null
  hasChanges: boolean
  collection?: {create: boolean; name: string; owner?: string; addDataSources: unknown[]}
  prerequisites: {check: string; status: string; message: string}[]
}

async function planJson(workspace: string): Promise<PlanJson> {
  return JSON.parse(await readFile(path.join(workspace, 'plan.json'), 'utf8')) as PlanJson
}

const SALES_SOURCES = [
  {definitionType: 'decision', definitionKey: 'approve', tenants: ['eu']},
  {definitionType: 'process', definitionKey: 'invoice', tenants: [null]},
  {definitionType: 'process', definitionKey: 'order', tenants: [null, 'eu']}
]

/** The target collection's data sources, sorted by type and key. */
function scopeOf(target: Emulator, id: string): unknown[] {
  const scope = target.state.collections.get(id)?.scope ?? []
  return [...scope].sort(
    (a, b) =>
      a.definitionType.localeCompare(b.definitionType) ||
      a.definitionKey.localeCompare(b.definitionKey)
  )
}

describe('manage-collection', () => {
  it('into a collection without data sources: the plan lists them, import adds them (removing none) and imports; a rerun writes nothing', async () => {
    const workspace = await salesWorkspace()
    const target = await salesTarget()
    target.state.addCollection({
      id: TARGET_COLLECTION,
      name: 'Production',
      scope: [{definitionType: 'process', definitionKey: 'legacy', tenants: ['x']}]
    })
    const inputs = {'collection-id': TARGET_COLLECTION}

    const plan = await promote('plan', target, workspace, inputs)
    expect(plan.code, said(plan)).toBe(0)
    const planned = await planJson(workspace)
    expect(planned.collection).toEqual({
      name: 'Production',
      create: false,
      addDataSources: SALES_SOURCES
    })
    expect(plan.summary).toContain(
      "➕ add data source process 'order' (tenants: none (not defined), 'eu')"
    )
    expect(target.requests.count('collectionScope')).toBe(0)
    expect(importCalls(target)).toBe(0)

    const first = await promote('import', target, workspace, inputs)
    expect(first.code, said(first)).toBe(0)
    expect(scopeOf(target, TARGET_COLLECTION)).toEqual([
      ...SALES_SOURCES.slice(0, 2),
      {definitionType: 'process', definitionKey: 'legacy', tenants: ['x']},
      SALES_SOURCES[2]
    ])
    expect(target.state.listDashboards(TARGET_COLLECTION).map(d => d.name)).toEqual(['Sales'])
    expect(outputOf(first, 'collection-id')).toBe(TARGET_COLLECTION)

    const writes = (): number =>
      importCalls(target) +
      target.requests.count('collectionScope') +
      target.requests.count('createCollection') +
      target.requests.count('deleteDashboard') +
      target.requests.count('deleteReport')
    const before = writes()
    const rerun = await promote('import', target, workspace, inputs)
    expect(rerun.code, said(rerun)).toBe(0)
    expect(outputOf(rerun, 'has-changes')).toBe('false')
    expect(writes()).toBe(before)
  })

  it('an approved plan carries the collection part: import applies it, and refuses, writing nothing, when the collection changed since', async () => {
    const workspace = await salesWorkspace()
    const target = await salesTarget()
    target.state.addCollection({id: TARGET_COLLECTION, name: 'Production'})
    const inputs = {'collection-id': TARGET_COLLECTION}
    expect((await promote('plan', target, workspace, inputs)).code).toBe(0)
    // Someone adds one of the data sources by hand between the plan and the import.
    target.state.addToScope(TARGET_COLLECTION, 'process', 'invoice', [null])
    const refused = await promote('import', target, workspace, {
      ...inputs,
      'approved-plan': 'plan.json',
      'plan-file': 'plan-now.json'
    })
    expect(refused.code).not.toBe(0)
    expect(said(refused)).toContain('what it does to the collection changed')
    expect(target.requests.count('collectionScope') + importCalls(target)).toBe(0)

    expect((await promote('plan', target, workspace, inputs)).code).toBe(0)
    const applied = await promote('import', target, workspace, {
      ...inputs,
      'approved-plan': 'plan.json',
      'plan-file': 'plan-now.json'
    })
    expect(applied.code, said(applied)).toBe(0)
    expect(scopeOf(target, TARGET_COLLECTION)).toEqual(SALES_SOURCES)
    expect(target.requests.count('collectionScope')).toBe(1)
  })

  it('by collection-name into an Optimize without it: import creates it once, owned by collection-owner; a rerun creates nothing and writes nothing', async () => {
    const workspace = await salesWorkspace()
    const target = await salesTarget()
    target.state.addCollection({id: 'other', name: 'Sales KPIs (old)'})
    const inputs = {'collection-name': 'Sales KPIs', 'collection-owner': 'demo'}

    const plan = await promote('plan', target, workspace, inputs)
    expect(plan.code, said(plan)).toBe(0)
    expect((await planJson(workspace)).collection).toEqual({
      name: 'Sales KPIs',
      create: true,
      owner: 'demo',
      addDataSources: SALES_SOURCES
    })
    expect(plan.summary).toContain("🆕 create collection 'Sales KPIs' (owner `demo`)")
    expect(target.state.collections.size).toBe(1)

    const first = await promote('import', target, workspace, inputs)
    expect(first.code, said(first)).toBe(0)
    const created = [...target.state.collections.values()].filter(c => c.name === 'Sales KPIs')
    expect(created).toHaveLength(1)
    const id = created[0].id
    expect(created[0].owner).toBe('demo')
    expect(outputOf(first, 'collection-id')).toBe(id)
    expect(scopeOf(target, id)).toEqual(SALES_SOURCES)
    expect(target.state.listDashboards(id).map(d => d.name)).toEqual(['Sales'])
    expect(first.summary).toContain(`created collection 'Sales KPIs' (${id})`)

    const writes = (): number =>
      importCalls(target) +
      target.requests.count('collectionScope') +
      target.requests.count('createCollection')
    const before = writes()
    const rerun = await promote('import', target, workspace, inputs)
    expect(rerun.code, said(rerun)).toBe(0)
    expect(outputOf(rerun, 'collection-id')).toBe(id)
    expect(outputOf(rerun, 'has-changes')).toBe('false')
    expect(writes()).toBe(before)
    expect(target.state.collections.size).toBe(2)
  })

  it('refuses two collections with the name, and collection-id with collection-name, writing nothing', async () => {
    const workspace = await salesWorkspace()
    const target = await salesTarget()
    target.state.addCollection({id: 'first', name: 'Sales KPIs'})
    target.state.addCollection({id: 'second', name: 'Sales KPIs'})
    const twice = await promote('import', target, workspace, {
      'collection-name': 'Sales KPIs',
      'collection-owner': 'demo'
    })
    expect(twice.code).not.toBe(0)
    expect(said(twice)).toContain("2 collections are named 'Sales KPIs' (first, second)")
    const both = await promote('plan', target, workspace, {
      'collection-name': 'Sales KPIs',
      'collection-id': 'first'
    })
    expect(both.code).not.toBe(0)
    expect(said(both)).toContain(
      "Inputs 'collection-id' and 'collection-name' name the target collection twice"
    )
    expect(importCalls(target) + target.requests.count('createCollection')).toBe(0)
    expect(target.requests.count('collectionScope')).toBe(0)
  })

  it('on Optimize before 8.6 (no collection endpoints): the plan fails listing the data sources to add in the UI, and import writes nothing', async () => {
    const workspace = await salesWorkspace()
    const target = await salesTarget('3.11-3.14')
    target.state.addCollection({id: TARGET_COLLECTION, name: 'Production'})
    const inputs = {'collection-id': TARGET_COLLECTION}

    const plan = await promote('plan', target, workspace, inputs)
    expect(plan.code).not.toBe(0)
    const failed = (await planJson(workspace)).prerequisites.find(p => p.status === 'failed')
    expect(failed?.check).toBe('data sources')
    expect(failed?.message).toContain("in Optimize's UI")
    expect(failed?.message).toContain(
      "decision 'approve' (tenants: 'eu'); process 'invoice' (tenants: none (not defined)); process 'order' (tenants: none (not defined), 'eu')"
    )

    const run = await promote('import', target, workspace, inputs)
    expect(run.code).not.toBe(0)
    expect(said(run)).toContain("The plan's prerequisites failed, nothing was written")
    expect(importCalls(target)).toBe(0)
    expect(target.state.listDashboards(TARGET_COLLECTION)).toHaveLength(0)

    const byName = await promote('import', target, workspace, {
      'collection-name': 'Production',
      'collection-owner': 'demo'
    })
    expect(byName.code).not.toBe(0)
    expect(said(byName)).toContain("'collection-name' needs Optimize's collection endpoints")
    expect(target.state.collections.size).toBe(1)
    expect(importCalls(target)).toBe(0)
  })
})
