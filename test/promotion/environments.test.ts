/**
 * Environments (issue 20): `.optimize-as-code.yml` maps the source's tenants
 * and definition keys to the target's; plan and import with `environment`
 * compare and send the mapped entities, the files keep the source values.
 * Run as the runner runs the action: the bundled `node dist/index.js`.
 */
import {mkdir, readdir, readFile, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {ensureBundle, outputOf, runAction, said, type ActionRun} from '../helpers/action.js'
import {tempDir} from '../helpers/temp.js'
import {TARGET_COLLECTION, TREE, dashboard, importCalls, processReport, uuid} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})
beforeAll(() => ensureBundle())

const SOURCE = 'dev'

function definition(key: string, tenantIds: (string | null)[]): Record<string, unknown> {
  return {identifier: 'definition', key, name: key, displayName: key, versions: ['all'], tenantIds}
}

/**
 * A dev Optimize: the dashboard 'Sales' with 'Invoices' (process
 * 'invoice-dev', tenants 'dev-eu' and the default) and 'Orders' ('invoice-dev',
 * 'dev-eu'), in a collection whose data source lists both tenants.
 */
async function exportedDev(): Promise<string> {
  const dev = await startEmulator({idSeed: 1})
  running.push(dev)
  dev.state.addCollection({
    id: SOURCE,
    name: 'Sales KPIs',
    scope: [{definitionType: 'process', definitionKey: 'invoice-dev', tenants: ['dev-eu', null]}]
  })
  dev.state.addDefinition({
    type: 'process',
    key: 'invoice-dev',
    versions: ['1'],
    tenants: ['dev-eu', null]
  })
  dev.state.putEntity(
    processReport(1, 'Invoices', {definitions: [definition('invoice-dev', ['dev-eu', null])]}),
    SOURCE
  )
  dev.state.putEntity(
    processReport(3, 'Orders', {definitions: [definition('invoice-dev', ['dev-eu'])]}),
    SOURCE
  )
  dev.state.putEntity(dashboard(2, 'Sales', [uuid(1), uuid(3)]), SOURCE)
  const workspace = await tempDir('oac-env-')
  const run = await runAction(
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
  expect(run.code, said(run)).toBe(0)
  return workspace
}

/** The prod Optimize: the definition is 'invoice', its tenants 'prod-eu' and 'prod-main'. */
async function prodTarget(): Promise<Emulator> {
  const target = await startEmulator({idSeed: 2})
  running.push(target)
  target.state.addDefinition({
    type: 'process',
    key: 'invoice',
    versions: ['1'],
    tenants: ['prod-eu', 'prod-main']
  })
  target.state.addCollection({id: TARGET_COLLECTION, name: 'Production'})
  return target
}

const CONFIG = `# dev → prod
environments:
  prod:
    tenants:
      dev-eu: prod-eu
      ~: prod-main
    definitions:
      invoice-dev: invoice
  test:
`

async function promote(
  command: 'plan' | 'import' | 'validate',
  target: Emulator | undefined,
  workspace: string,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      command,
      path: TREE,
      ...(target
        ? {
            'optimize-url': target.url,
            'access-token': target.token,
            'collection-id': TARGET_COLLECTION,
            'manage-collection': 'true',
            'plan-file': 'plan.json',
            retries: '1'
          }
        : {}),
      ...inputs
    },
    {GITHUB_WORKSPACE: workspace}
  )
}

/** Every file under the workspace but plan.json, with its text. */
async function filesOf(workspace: string): Promise<Map<string, string>> {
  const texts = new Map<string, string>()
  for (const entry of await readdir(workspace, {recursive: true, withFileTypes: true})) {
    if (!entry.isFile() || entry.name === 'plan.json') continue
    const file = path.join(entry.parentPath, entry.name)
    texts.set(path.relative(workspace, file), await readFile(file, 'utf8'))
  }
  return texts
}

interface TargetDefinition {
  key: string
  tenantIds?: (string | null)[]
}

function targetDefinitions(target: Emulator): Record<string, TargetDefinition[]> {
  const out: Record<string, TargetDefinition[]> = {}
  for (const report of target.state.listReports(TARGET_COLLECTION)) {
    const data = report.data as unknown as {definitions: TargetDefinition[]}
    out[String(report.name)] = data.definitions.map(d => ({key: d.key, tenantIds: d.tenantIds}))
  }
  return out
}

describe('environment mapping', () => {
  it('dev → prod: the plan shows each mapping, the target gets the mapped keys, tenants and data sources, the files keep the source values, a rerun writes nothing', async () => {
    const workspace = await exportedDev()
    await writeFile(path.join(workspace, '.optimize-as-code.yml'), CONFIG)
    expect((await promote('validate', undefined, workspace)).code).toBe(0)
    const before = await filesOf(workspace)
    const target = await prodTarget()
    const inputs = {environment: 'prod'}

    const plan = await promote('plan', target, workspace, inputs)
    expect(plan.code, said(plan)).toBe(0)
    const planned = JSON.parse(await readFile(path.join(workspace, 'plan.json'), 'utf8')) as {
      environment?: unknown
      collection?: {addDataSources: unknown[]}
    }
    expect(planned.environment).toEqual({
      name: 'prod',
      mappings: [
        "definition 'invoice-dev' → 'invoice' in 2 reports and collection.json",
        "tenant 'dev-eu' → 'prod-eu' in 2 reports and collection.json",
        "tenant none (not defined) → 'prod-main' in 1 report and collection.json"
      ]
    })
    expect(planned.collection?.addDataSources).toEqual([
      {definitionType: 'process', definitionKey: 'invoice', tenants: ['prod-eu', 'prod-main']}
    ])
    expect(plan.summary).toContain(
      "🔀 tenant 'dev-eu' → 'prod-eu' in 2 reports and collection.json"
    )
    expect(importCalls(target)).toBe(0)

    const first = await promote('import', target, workspace, inputs)
    expect(first.code, said(first)).toBe(0)
    expect(targetDefinitions(target)).toEqual({
      Invoices: [{key: 'invoice', tenantIds: ['prod-eu', 'prod-main']}],
      Orders: [{key: 'invoice', tenantIds: ['prod-eu']}]
    })
    expect(target.state.collections.get(TARGET_COLLECTION)?.scope).toEqual([
      {definitionType: 'process', definitionKey: 'invoice', tenants: ['prod-eu', 'prod-main']}
    ])
    expect(target.state.listDashboards(TARGET_COLLECTION).map(d => d.name)).toEqual(['Sales'])
    expect(await filesOf(workspace)).toEqual(before)

    const writes = (): number => importCalls(target) + target.requests.count('collectionScope')
    const done = writes()
    const rerun = await promote('import', target, workspace, inputs)
    expect(rerun.code, said(rerun)).toBe(0)
    expect(outputOf(rerun, 'has-changes')).toBe('false')
    expect(writes()).toBe(done)
    expect(await filesOf(workspace)).toEqual(before)
  })

  it('an approved plan made for one environment is not applied with another', async () => {
    const workspace = await exportedDev()
    await writeFile(
      path.join(workspace, '.optimize-as-code.yml'),
      `${CONFIG.replace('  test:\n', '')}  other:\n    tenants:\n      dev-eu: prod-eu\n      ~: prod-main\n`
    )
    const target = await prodTarget()
    expect((await promote('plan', target, workspace, {environment: 'prod'})).code).toBe(0)
    const run = await promote('import', target, workspace, {
      environment: 'other',
      'approved-plan': 'plan.json',
      'plan-file': 'plan-now.json'
    })
    expect(run.code).not.toBe(0)
    expect(said(run)).toContain('it was made for environment')
    expect(importCalls(target) + target.requests.count('collectionScope')).toBe(0)
  })
})

describe('the config file', () => {
  const BROKEN = `environments:
  prod:
    tenants:
      dev-eu: [prod-eu]
    definitoins:
      invoice-dev: invoice
`

  it('validate names each problem with the file and line; plan with environment stops before talking to Optimize', async () => {
    const workspace = await exportedDev()
    await writeFile(path.join(workspace, '.optimize-as-code.yml'), BROKEN)
    const run = await promote('validate', undefined, workspace)
    expect(run.code).not.toBe(0)
    expect(said(run)).toMatch(
      /::error title=optimize-as-code validate,file=\.optimize-as-code\.yml,line=4,col=\d+::environments\.prod\.tenants\.dev-eu: expected a tenant id/
    )
    expect(said(run)).toMatch(
      /file=\.optimize-as-code\.yml,line=5,col=5::environments\.prod: unknown key 'definitoins'/
    )

    const target = await prodTarget()
    const plan = await promote('plan', target, workspace, {environment: 'prod'})
    expect(plan.code).not.toBe(0)
    expect(said(plan)).toContain(
      '`.optimize-as-code.yml` line 4: environments.prod.tenants.dev-eu: expected a tenant id'
    )
    expect(target.requests.all()).toHaveLength(0)
  })

  it('refuses an environment the file lacks, a missing file, and a config file that is a symbolic link, writing nothing', async () => {
    const workspace = await exportedDev()
    const target = await prodTarget()
    const none = await promote('import', target, workspace, {environment: 'prod'})
    expect(none.code).not.toBe(0)
    expect(said(none)).toContain(
      "Input 'environment' is 'prod', but the config file '.optimize-as-code.yml' does not exist"
    )

    await mkdir(path.join(workspace, 'deploy'))
    await writeFile(path.join(workspace, 'deploy', 'envs.yml'), CONFIG)
    const missing = await promote('import', target, workspace, {
      environment: 'staging',
      config: 'deploy/envs.yml'
    })
    expect(missing.code).not.toBe(0)
    expect(said(missing)).toContain(
      "Input 'environment' is 'staging', but the config file 'deploy/envs.yml' has no environment 'staging' (it has 'prod', 'test')"
    )

    const outside = await tempDir('oac-env-outside-')
    await writeFile(path.join(outside, 'envs.yml'), CONFIG)
    await symlink(path.join(outside, 'envs.yml'), path.join(workspace, '.optimize-as-code.yml'))
    const linked = await promote('import', target, workspace, {environment: 'prod'})
    expect(linked.code).not.toBe(0)
    expect(said(linked)).toContain(
      "Refusing to read '.optimize-as-code.yml': it is a symbolic link"
    )
    expect(target.requests.all()).toHaveLength(0)
  })
})
