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
import {ensureBundle, runAction, type ActionRun} from '../helpers/action.js'
import {tempDir} from '../helpers/temp.js'
import {TREE, dashboard, editJson, processReport, uuid} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})
beforeAll(() => ensureBundle())

const SOURCE = 'dev'

/** What the run said: stdout holds its log lines and ::error::/::warning:: annotations. */
function said(run: ActionRun): string {
  return `${run.stdout}\n${run.stderr}`
}

/** One output of a run, from the GITHUB_OUTPUT file. */
function outputOf(run: ActionRun, name: string): string | undefined {
  const match = new RegExp(`^${name}<<(.+)$`, 'm').exec(run.output)
  if (!match) return undefined
  const start = run.output.indexOf('\n', match.index) + 1
  return run.output.slice(start, run.output.indexOf(`\n${match[1]}`, start))
}

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
  return runAction(
    {
      command: 'export',
      path: TREE,
      'optimize-url': dev.url,
      'access-token': dev.token,
      'collection-id': SOURCE,
      commit: 'none',
      retries: '1'
    },
    {GITHUB_WORKSPACE: workspace}
  )
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
