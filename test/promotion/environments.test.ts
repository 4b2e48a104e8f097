/**
 * Environments (issue 20): `.optimize-as-code.yml` maps the source's tenants
 * and definition keys to the target's; plan and import with `environment`
 * compare and send the mapped entities, the files keep the source values.
 * Run as the runner runs the action: the bundled `node dist/index.js`.
 */
import {mkdir, readdir, readFile, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, startEngine, type Emulator, type EngineApi} from '../../emulator/index.js'
import {ensureBundle, outputOf, runAction, said, type ActionRun} from '../helpers/action.js'
import {tempDir} from '../helpers/temp.js'
import {
  TARGET_COLLECTION,
  TREE,
  dashboard,
  importCalls,
  processReport,
  runBundled,
  uuid
} from './helpers.js'

const running: {close(): Promise<void>}[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})
beforeAll(() => ensureBundle())

const SOURCE = 'dev'

function definition(
  key: string,
  tenantIds: (string | null)[],
  versions = ['all']
): Record<string, unknown> {
  return {identifier: 'definition', key, name: key, displayName: key, versions, tenantIds}
}

/**
 * A dev Optimize: the dashboard 'Sales' with 'Invoices' (process
 * 'invoice-dev', tenants 'dev-eu' and the default) and 'Orders' ('invoice-dev',
 * 'dev-eu'), in a collection whose data source lists both tenants. The
 * process has versions 1 to 4; the reports are on 'all' unless `pinned`
 * (report name → versions) says otherwise.
 */
async function exportedDev(pinned: Record<string, string[]> = {}): Promise<string> {
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
    versions: ['1', '2', '3', '4'],
    tenants: ['dev-eu', null]
  })
  dev.state.putEntity(
    processReport(1, 'Invoices', {
      definitions: [definition('invoice-dev', ['dev-eu', null], pinned.Invoices)]
    }),
    SOURCE
  )
  dev.state.putEntity(
    processReport(3, 'Orders', {
      definitions: [definition('invoice-dev', ['dev-eu'], pinned.Orders)]
    }),
    SOURCE
  )
  dev.state.putEntity(dashboard(2, 'Sales', [uuid(1), uuid(3)]), SOURCE)
  const workspace = await tempDir('oac-env-')
  const run = await runBundled('export', dev, workspace, {'collection-id': SOURCE, commit: 'none'})
  expect(run.code, said(run)).toBe(0)
  return workspace
}

/** The prod Optimize: the definition is 'invoice', versions 1 and 2, its tenants 'prod-eu' and 'prod-main'. */
async function prodTarget(): Promise<Emulator> {
  const target = await startEmulator({idSeed: 2})
  running.push(target)
  target.state.addDefinition({
    type: 'process',
    key: 'invoice',
    versions: ['1', '2'],
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
  if (command === 'validate' || !target)
    return runAction({command, path: TREE, ...inputs}, {GITHUB_WORKSPACE: workspace})
  return runBundled(command, target, workspace, {
    'collection-id': TARGET_COLLECTION,
    'manage-collection': 'true',
    'plan-file': 'plan.json',
    ...inputs
  })
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

/** The engine behind an emulated Optimize, for input 'definitions-url'. */
async function engineOf(target: Emulator, api: EngineApi = 'camunda7'): Promise<string> {
  const engine = await startEngine(target.state, api)
  running.push(engine)
  return engine.url
}

interface TargetDefinition {
  key: string
  tenantIds?: (string | null)[]
}

/** Report name → the versions of each of its definitions in the target. */
function targetVersions(target: Emulator): Record<string, string[][]> {
  const out: Record<string, string[][]> = {}
  for (const report of target.state.listReports(TARGET_COLLECTION)) {
    const data = report.data as unknown as {definitions: {versions: string[]}[]}
    out[String(report.name)] = data.definitions.map(d => d.versions)
  }
  return out
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

interface PlanFile {
  environment?: {name: string; mappings: string[]}
  prerequisites: {check: string; status: string; message: string}[]
}

async function planOf(workspace: string): Promise<PlanFile> {
  return JSON.parse(await readFile(path.join(workspace, 'plan.json'), 'utf8')) as PlanFile
}

function prerequisite(plan: PlanFile, check: string): {status: string; message: string} {
  const found = plan.prerequisites.find(p => p.check === check)
  if (!found) throw new Error(`no prerequisite '${check}' in ${JSON.stringify(plan.prerequisites)}`)
  return found
}

/** CONFIG with a version policy for prod. */
function withVersions(policy: string): string {
  return CONFIG.replace(
    '      invoice-dev: invoice\n',
    `      invoice-dev: invoice\n    versions: ${policy}\n`
  )
}

describe('version policy', () => {
  it.each([
    ['latest', 'camunda7'],
    ['all', 'camunda8']
  ] as const)(
    'versions: %s (engine %s): a report pinned to versions prod lacks goes with that instead, the files keep theirs, the plan lists the rewrite, a rerun writes nothing',
    async (policy, api) => {
      // Invoices pins 3 and 4, which prod lacks; Orders pins 1, which prod has.
      const workspace = await exportedDev({Invoices: ['3', '4'], Orders: ['1']})
      await writeFile(path.join(workspace, '.optimize-as-code.yml'), withVersions(policy))
      expect((await promote('validate', undefined, workspace)).code).toBe(0)
      const before = await filesOf(workspace)
      const target = await prodTarget()
      const inputs = {environment: 'prod', 'definitions-url': await engineOf(target, api)}

      const plan = await promote('plan', target, workspace, inputs)
      expect(plan.code, said(plan)).toBe(0)
      const planned = await planOf(workspace)
      expect(planned.environment?.mappings).toContain(
        `versions 3, 4 of process 'invoice' → ${policy} in 1 report`
      )
      expect(planned.environment?.mappings.filter(m => m.startsWith('version'))).toHaveLength(1)
      expect(prerequisite(planned, 'definitions')).toEqual({
        check: 'definitions',
        status: 'ok',
        message: expect.stringContaining(
          `the version policy '${policy}' of environment 'prod' sends 1 report definition pinned to versions it lacks with ['${policy}']`
        )
      })
      expect(plan.summary).toContain(`versions 3, 4 of process 'invoice' → ${policy} in 1 report`)

      const first = await promote('import', target, workspace, inputs)
      expect(first.code, said(first)).toBe(0)
      expect(targetVersions(target)).toEqual({Invoices: [[policy]], Orders: [['1']]})
      expect(targetDefinitions(target)).toEqual({
        Invoices: [{key: 'invoice', tenantIds: ['prod-eu', 'prod-main']}],
        Orders: [{key: 'invoice', tenantIds: ['prod-eu']}]
      })
      expect(await filesOf(workspace)).toEqual(before)
      expect(before.get(`${TREE}/reports/invoices.json`)).toContain('"3"')

      const writes = (): number => importCalls(target) + target.requests.count('collectionScope')
      const done = writes()
      const rerun = await promote('import', target, workspace, inputs)
      expect(rerun.code, said(rerun)).toBe(0)
      expect(outputOf(rerun, 'has-changes')).toBe('false')
      expect(writes()).toBe(done)
      expect(await filesOf(workspace)).toEqual(before)
    }
  )

  it('keep (the default): the plan fails on the versions prod lacks, naming the policy, and import writes nothing', async () => {
    const workspace = await exportedDev({Invoices: ['3', '4'], Orders: ['1']})
    await writeFile(path.join(workspace, '.optimize-as-code.yml'), CONFIG)
    const target = await prodTarget()
    const inputs = {environment: 'prod', 'definitions-url': await engineOf(target)}

    const plan = await promote('plan', target, workspace, inputs)
    expect(plan.code).not.toBe(0)
    const planned = await planOf(workspace)
    expect(planned.environment?.mappings.some(m => m.startsWith('version'))).toBe(false)
    const definitions = prerequisite(planned, 'definitions')
    expect(definitions.status).toBe('failed')
    expect(definitions.message).toMatch(
      /Camunda 7 at .*process definition 'invoice' has no version 3, 4 \(it has 1, 2; used by 'Invoices', 'Orders'\); Optimize would drop the missing versions silently/
    )
    expect(definitions.message).toContain(
      'environments.prod.versions in `.optimize-as-code.yml` is keep; latest or all would send'
    )

    const run = await promote('import', target, workspace, inputs)
    expect(run.code).not.toBe(0)
    expect(importCalls(target) + target.requests.count('collectionScope')).toBe(0)
  })

  it('a versions value that is no policy is a config error with the file and line', async () => {
    const workspace = await exportedDev()
    await writeFile(path.join(workspace, '.optimize-as-code.yml'), withVersions('newest'))
    const run = await promote('validate', undefined, workspace)
    expect(run.code).not.toBe(0)
    expect(said(run)).toMatch(
      /::error title=optimize-as-code validate,file=\.optimize-as-code\.yml,line=9,col=15::environments\.prod\.versions: expected keep, latest or all/
    )
    const target = await prodTarget()
    const plan = await promote('plan', target, workspace, {environment: 'prod'})
    expect(plan.code).not.toBe(0)
    expect(said(plan)).toContain(
      '`.optimize-as-code.yml` line 9: environments.prod.versions: expected keep, latest or all'
    )
    expect(target.requests.all()).toHaveLength(0)
  })
})

describe('values the target does not know', () => {
  const TENANTS_ONLY = `environments:
  prod:
    tenants:
      dev-eu: prod-eu
      ~: prod-main
`
  const DEFAULT_UNMAPPED = `environments:
  prod:
    tenants:
      dev-eu: prod-eu
    definitions:
      invoice-dev: invoice
`

  /** The prod collection with its data source already there, for a plan without manage-collection. */
  async function scopedTarget(): Promise<Emulator> {
    const target = await prodTarget()
    target.state.setScope(TARGET_COLLECTION, [
      {definitionType: 'process', definitionKey: 'invoice', tenants: ['prod-eu', 'prod-main']}
    ])
    return target
  }

  it('an unmapped definition key fails the plan, naming the files, the key and the environment, in the engine check and in the data sources check', async () => {
    const workspace = await exportedDev()
    await writeFile(path.join(workspace, '.optimize-as-code.yml'), TENANTS_ONLY)
    const target = await scopedTarget()
    const files = `${TREE}/reports/invoices.json, ${TREE}/reports/orders.json`
    const advice =
      'it is not mapped; add it to environments.prod.definitions in `.optimize-as-code.yml` (invoice-dev: the key in prod)'

    const plan = await promote('plan', target, workspace, {
      environment: 'prod',
      'manage-collection': 'false',
      'definitions-url': await engineOf(target)
    })
    expect(plan.code).not.toBe(0)
    const planned = await planOf(workspace)
    expect(prerequisite(planned, 'definitions')).toEqual({
      check: 'definitions',
      status: 'failed',
      message: expect.stringContaining(
        `process definition 'invoice-dev' in ${files} is unknown to the target of environment 'prod' (not in the engine behind it): ${advice}`
      )
    })
    expect(prerequisite(planned, 'data sources')).toEqual({
      check: 'data sources',
      status: 'failed',
      message: `process definition 'invoice-dev' in ${files} is unknown to the target of environment 'prod' (not in the collection's data sources): ${advice}; or, if the target has it, add it to the collection's data sources`
    })
    expect(said(plan)).toContain("unknown to the target of environment 'prod'")
    expect(importCalls(target)).toBe(0)
  })

  it('an unmapped tenant fails the plan, naming the file, the tenant and the environment; a mapping to a value prod lacks says to correct it', async () => {
    const workspace = await exportedDev()
    await writeFile(path.join(workspace, '.optimize-as-code.yml'), DEFAULT_UNMAPPED)
    const target = await scopedTarget()
    const inputs = {
      environment: 'prod',
      'manage-collection': 'false',
      'definitions-url': await engineOf(target)
    }
    const advice =
      'it is not mapped; add it to environments.prod.tenants in `.optimize-as-code.yml` (~: the tenant in prod)'
    const subject = `tenant none (not defined) of process definition 'invoice' in ${TREE}/reports/invoices.json is unknown to the target of environment 'prod'`

    const plan = await promote('plan', target, workspace, inputs)
    expect(plan.code).not.toBe(0)
    const planned = await planOf(workspace)
    expect(prerequisite(planned, 'definitions')).toEqual({
      check: 'definitions',
      status: 'failed',
      message: `Camunda 7 at ${inputs['definitions-url']}: ${subject} (not in the engine behind it): ${advice}`
    })
    expect(prerequisite(planned, 'data sources')).toEqual({
      check: 'data sources',
      status: 'failed',
      message: `${subject} (not in the collection's data sources): ${advice}; or, if the target has the tenant, add it to the collection's data sources`
    })

    await writeFile(
      path.join(workspace, '.optimize-as-code.yml'),
      `${DEFAULT_UNMAPPED.replace('dev-eu: prod-eu', 'dev-eu: prod-ue')}`
    )
    const typo = await promote('plan', target, workspace, inputs)
    expect(typo.code).not.toBe(0)
    expect(prerequisite(await planOf(workspace), 'definitions').message).toContain(
      `tenant 'prod-ue' of process definition 'invoice' (mapped from 'dev-eu' by environments.prod.tenants in \`.optimize-as-code.yml\`) in ${TREE}/reports/invoices.json, ${TREE}/reports/orders.json is unknown to the target of environment 'prod' (not in the engine behind it): correct that mapping`
    )
    expect(importCalls(target)).toBe(0)
  })
})
