/**
 * The tool on each Optimize line the emulator reproduces (emulator/README.md
 * cites the source of each behaviour), run as a runner runs it: the bundled
 * action (`node dist/index.js`). One describe per numbered problem of issue
 * 18; set-ups that are not under test (a dev export, content) run in-process.
 */
import {readdir, readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator, type EmulatorOptions} from '../../emulator/index.js'
import {ensureBundle, runAction, said, type ActionRun} from '../helpers/action.js'
import {tempDir} from '../helpers/temp.js'
import {
  TARGET_COLLECTION,
  TREE,
  devWorkspace,
  editJson,
  importCalls,
  processReport,
  reexport,
  targetFor
} from './helpers.js'

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async emu => emu.close()))
})
beforeAll(() => ensureBundle())

type Inputs = Record<string, string>

/** The action against `emu`'s collection, in `workspace`. */
async function act(
  command: string,
  emu: Emulator,
  workspace: string,
  inputs: Inputs = {}
): Promise<ActionRun> {
  return runAction(
    {
      command,
      path: TREE,
      'optimize-url': emu.url,
      'access-token': emu.token,
      'collection-id': TARGET_COLLECTION,
      'plan-file': 'plan.json',
      commit: 'none',
      retries: '1',
      ...inputs
    },
    {GITHUB_WORKSPACE: workspace}
  )
}

const REGION = {
  type: 'variable',
  data: {
    type: 'String',
    name: 'region',
    data: {operator: 'in', values: ['EU'], allowCustomValues: false}
  }
}

/** A dev Optimize of `profile` with generated content; the first dashboard gets a variable filter. */
async function lineDev(
  profile: EmulatorOptions['profile'],
  {filter = true}: {filter?: boolean} = {}
): Promise<Emulator> {
  const dev = await startEmulator({idSeed: 1, profile})
  running.push(dev)
  dev.state.addCollection({id: 'dev', name: 'Dev'})
  const {dashboardIds} = dev.state.generate({
    collectionId: 'dev',
    seed: 3,
    dashboards: 3,
    reportsPerDashboard: 3,
    xmlBytes: 2000
  })
  if (filter)
    dev.state.updateDashboard(
      dashboardIds[0],
      d => void (d.availableFilters as unknown[]).push(REGION)
    )
  // Unique names, so no file name carries an id (layout.ts), and decision reports with
  // their DMN, as Optimize stores them.
  for (const [i, report] of dev.state.listReports('dev').entries()) {
    dev.state.updateReport(String(report.id), r => {
      r.name = `${String(r.name)} ${i + 1}`
      const data = r.data as {definitions?: {key: string}[]; configuration?: object}
      const key = data.definitions?.[0]?.key
      if (r.exportEntityType === 'single_decision_report' && key)
        data.configuration = {
          ...data.configuration,
          xml: dev.state.getDefinition('decision', key)?.xml
        }
    })
  }
  return dev
}

/**
 * A target Optimize of `profile` with dev's definitions (the same XML, as when
 * the same models are deployed) in the collection's scope; with `variables`,
 * its data has the variable the filter names.
 */
async function lineTarget(
  dev: Emulator,
  profile: EmulatorOptions['profile'],
  variables: boolean
): Promise<Emulator> {
  const target = await startEmulator({idSeed: 2, profile})
  running.push(target)
  target.state.addCollection({id: TARGET_COLLECTION, name: 'Production'})
  for (const d of dev.state.definitions.values()) {
    target.state.addDefinition({
      ...d,
      variables: variables && d.type === 'process' ? [{name: 'region', type: 'String'}] : undefined
    })
    target.state.addToScope(TARGET_COLLECTION, d.type, d.key, d.tenants)
  }
  return target
}

/** Every file under `path` of a workspace: relative path → text. */
async function files(workspace: string): Promise<Map<string, string>> {
  const root = path.join(workspace, TREE)
  const entries = await readdir(root, {recursive: true, withFileTypes: true})
  const out = new Map<string, string>()
  for (const entry of entries.filter(e => e.isFile()).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const file = path.relative(root, path.join(entry.parentPath, entry.name))
    out.set(file, await readFile(path.join(root, file), 'utf8'))
  }
  return out
}

/**
 * The files of `other` with each entity id replaced by the id the same file
 * has in `reference` (the manifest pairs them): imports always make new ids.
 */
function sameIds(reference: Map<string, string>, other: Map<string, string>): Map<string, string> {
  type Manifest = {entities: {id: string; file: string}[]}
  const ids = (m: Map<string, string>): Map<string, string> =>
    new Map(
      (JSON.parse(m.get('optimize-as-code.json') ?? '{}') as Manifest).entities.map(e => [
        e.file,
        e.id
      ])
    )
  const wanted = ids(reference)
  const pairs = [...ids(other)].map(([file, id]) => [id, wanted.get(file) ?? id] as const)
  return new Map(
    [...other].map(([file, text]) => [
      file,
      pairs.reduce((t, [from, to]) => t.split(from).join(to), text)
    ])
  )
}

describe('1. variable filters (camunda/camunda#55766, camunda/issues#816)', () => {
  it('8.9: a dashboard with a variable filter is promoted with it, in two steps; the plan then finds nothing to do', async () => {
    const dev = await lineDev('8.9')
    const target = await lineTarget(dev, '8.9', true)
    const {workspace} = await devFiles(dev)

    const run = await act('import', target, workspace)
    expect(said(run), said(run)).not.toMatch(/::error::/)
    expect(run.code).toBe(0)
    expect(run.summary).toMatch(/imported in two steps, its reports first/)
    const filtered = target.state
      .listDashboards(TARGET_COLLECTION)
      .filter(d => JSON.stringify(d.availableFilters).includes('"region"'))
    expect(filtered).toHaveLength(1)
    // No interim copy stays: the target holds exactly dev's reports.
    expect(target.state.listReports(TARGET_COLLECTION)).toHaveLength(
      dev.state.listReports('dev').length
    )
    const plan = await act('plan', target, workspace)
    expect(plan.output).toMatch(/has-changes<<.*\s+false\s/)
  })

  it("8.9: the target's data lacks the variable: refused naming dashboard and variable, nothing stays", async () => {
    const dev = await lineDev('8.9')
    const target = await lineTarget(dev, '8.9', false)
    const {workspace} = await devFiles(dev)
    const name = String(
      dev.state
        .listDashboards('dev')
        .find(d => JSON.stringify(d.availableFilters).includes('"region"'))?.name
    )

    const run = await act('import', target, workspace)
    expect(run.code).toBe(1)
    expect(said(run)).toContain(`dashboard '${name}': 'region' (String)`)
    expect(said(run)).toMatch(/No dashboard was written/)
    expect(target.state.listDashboards(TARGET_COLLECTION)).toEqual([])
    expect(target.state.listReports(TARGET_COLLECTION)).toEqual([])
  })

  it('latest (the check is skipped): the plan asks, and the dashboard is imported in one step', async () => {
    const dev = await lineDev('latest')
    const target = await lineTarget(dev, 'latest', false)
    const {workspace} = await devFiles(dev)
    const run = await act('import', target, workspace)
    expect(run.code).toBe(0)
    expect(said(run)).toMatch(/the target does not check variable filters/)
    expect(importCalls(target)).toBe(1)
  })
})

/** dev's collection exported into a fresh workspace, in-process (a set-up, not under test). */
async function devFiles(dev: Emulator): Promise<{workspace: string}> {
  const workspace = await tempDir('oac-lines-')
  await reexport(dev, workspace)
  return {workspace}
}

/** dev's collection exported into a fresh workspace by the action. */
async function exported(dev: Emulator): Promise<{workspace: string; run: ActionRun}> {
  const workspace = await tempDir('oac-lines-')
  const run = await act('export', dev, workspace, {'collection-id': 'dev'})
  expect(run.code, said(run)).toBe(0)
  return {workspace, run}
}

describe('2. Optimize 8.6-8.8 without the fix of camunda/camunda#36419', () => {
  it('the plan names the defect and the fix; nothing is written', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev, {profile: '8.6-8.8-unpatched'})
    running.push(dev, target)
    const run = await act('import', target, workspace)
    expect(run.code).toBe(1)
    expect(said(run)).toMatch(/::error::.*camunda\/camunda#36419/)
    expect(said(run)).toMatch(/pull request #36420/)
    expect(importCalls(target)).toBe(0)
    expect(target.state.listDashboards(TARGET_COLLECTION)).toEqual([])
    expect(target.state.listReports(TARGET_COLLECTION)).toEqual([])
  })
})

describe('3. collection listings stop at 1,000 (LIST_FETCH_LIMIT)', () => {
  it('export and plan warn, naming the limit (prune refuses on it: target-safety.test.ts)', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    for (let i = 0; i < 1000; i++)
      target.state.putEntity(processReport(0x10000 + i, `Made by hand ${i}`), TARGET_COLLECTION)
    const plan = await act('plan', target, workspace)
    expect(plan.code).toBe(0)
    expect(said(plan)).toMatch(
      /::warning::listing: the target lists exactly 1000 reports, where Optimize stops a listing \(LIST_FETCH_LIMIT\)/
    )
    const exportRun = await act('export', target, await tempDir('oac-lines-'))
    expect(exportRun.code).toBe(0)
    expect(said(exportRun)).toMatch(
      /::warning::Collection target-collection lists exactly 1000 reports, where Optimize stops a listing \(LIST_FETCH_LIMIT, no paging\)/
    )
  })
})

describe('4. Optimize 3.x: reports up to 3.9 (dashboard index 6), tiles from 3.10', () => {
  it.each(['3.7', '3.9', '3.10'] as const)(
    '%s: export, import into another Optimize of the line, the plan finds nothing to do, and the target exports the same files',
    async profile => {
      const dev = await lineDev(profile)
      const target = await lineTarget(dev, profile, true)
      const {workspace} = await exported(dev)
      const before = await files(workspace)
      expect([...before.keys()].filter(f => f.startsWith('dashboards/'))).not.toEqual([])
      expect(before.get('optimize-as-code.json')).toBeDefined()

      const imported = await act('import', target, workspace)
      expect(imported.code, said(imported)).toBe(0)
      const plan = await act('plan', target, workspace)
      expect(plan.output).toMatch(/has-changes<<.*\s+false\s/)
      const again = await tempDir('oac-lines-')
      const back = await act('export', target, again)
      expect(back.code, said(back)).toBe(0)
      console.log(
        'KEYS',
        [...before.keys()].join(' '),
        '\nB',
        [...(await files(again)).keys()].join(' ')
      )
      expect(Object.fromEntries(sameIds(before, await files(again)))).toEqual(
        Object.fromEntries(before)
      )
    },
    60_000
  )

  it('3.10: a description in a file is refused before anything is sent (Optimize before 3.11 drops it)', async () => {
    const dev = await lineDev('3.10')
    const {workspace} = await devFiles(dev)
    const dashboards = (await files(workspace)).keys()
    const file = [...dashboards].find(f => f.startsWith('dashboards/') && f.endsWith('.json'))
    await editJson(workspace, String(file), value => void (value.description = 'Added in git'))
    const run = await act('validate', dev, workspace)
    expect(run.code).toBe(1)
    expect(said(run)).toMatch(
      /::error .*file=.*dashboards\/.*has a description, but Optimize before 3\.11 \(index 7\) has none/
    )
  })
})

describe('5. identity providers: Microsoft Entra ID needs scope', () => {
  it('with scope the token is issued and the plan runs; without, the error names the input', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev, {identityProvider: 'entra', audience: 'api://optimize'})
    running.push(dev, target)
    const credentials = {
      'access-token': '',
      'client-id': 'optimize-as-code',
      'client-secret': 'emulator-client-secret',
      'oauth-url': target.oauthUrl
    }
    const ok = await act('plan', target, workspace, {
      ...credentials,
      scope: 'api://optimize/.default'
    })
    expect(ok.code, said(ok)).toBe(0)
    const missing = await act('plan', target, workspace, credentials)
    expect(missing.code).toBe(1)
    expect(said(missing)).toMatch(/AADSTS90014.*Microsoft Entra ID needs input 'scope'/)
  })
})

describe('6. import size', () => {
  it('a 413 from a proxy is explained with the input to lower; nothing is written', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    target.faults.add({
      route: 'import',
      times: Infinity,
      status: 413,
      headers: {'content-type': 'text/html'},
      body: '<html><head><title>413 Request Entity Too Large</title></head></html>'
    })
    const run = await act('import', target, workspace)
    expect(run.code).toBe(1)
    expect(said(run)).toMatch(/413.*Lower input 'batch-bytes' \(now 900000\)/)
    expect(target.state.listDashboards(TARGET_COLLECTION)).toEqual([])
  })
})

describe('7. names, pinned versions, decision XML, static tokens', () => {
  it('latest: a report name over the target limit fails the plan, naming the report', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 2})
    const target = await targetFor(dev, {profile: 'latest'})
    running.push(dev, target)
    const report = (await files(workspace)).keys()
    const file = [...report].find(f => f.startsWith('reports/') && f.endsWith('.json'))
    await editJson(workspace, String(file), value => void (value.name = 'N'.repeat(300)))
    const run = await act('plan', target, workspace)
    expect(run.code).toBe(1)
    expect(said(run)).toMatch(
      /dry run: report 'N{57}\.\.\.' \(reports\/.*\) has a name of 300 characters, more than the target allows/
    )
  })

  it('a pinned version the target lacks fails the plan: Optimize would drop it silently', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    const [key] = [...target.state.definitions.values()].filter(d => d.type === 'process')
    target.state.getDefinition('process', key.key)!.versions = ['1']
    const names: string[] = []
    for (const file of (await files(workspace)).keys()) {
      if (!file.startsWith('reports/') || !file.endsWith('.json')) continue
      await editJson(workspace, file, value => {
        const definitions = (value.data as {definitions?: {key: string; versions: string[]}[]})
          ?.definitions
        if (value.exportEntityType !== 'single_process_report' || definitions?.[0]?.key !== key.key)
          return
        definitions[0].versions = ['1', '2']
        names.push(String(value.name))
      })
    }
    expect(names).not.toEqual([])
    const run = await act('plan', target, workspace)
    expect(run.code).toBe(1)
    expect(said(run)).toContain(`report '${names[0]}' (reports/`)
    expect(said(run)).toMatch(
      new RegExp(
        `definition '${key.key}' versions 1, 2; the target Optimize lacks 2 and would drop it silently`
      )
    )
  })

  it("decision reports get the target's DMN on import (Optimize refills it), and the plan finds nothing to do", async () => {
    const dev = await lineDev('8.9', {filter: false})
    const target = await lineTarget(dev, '8.9', true)
    const decisions = [...target.state.definitions.values()].filter(d => d.type === 'decision')
    expect(decisions).not.toEqual([])
    for (const d of decisions)
      d.xml = d.xml.replace('</definitions>', '<!-- target --></definitions>')
    const {workspace} = await devFiles(dev)
    const run = await act('import', target, workspace)
    expect(run.code, said(run)).toBe(0)
    const imported = target.state
      .listReports(TARGET_COLLECTION)
      .filter(r => r.exportEntityType === 'single_decision_report')
    expect(imported).not.toEqual([])
    for (const r of imported) expect(JSON.stringify(r.data)).toContain('<!-- target -->')
    const plan = await act('plan', target, workspace)
    expect(plan.output).toMatch(/has-changes<<.*\s+false\s/)
  })

  it('a static token Optimize ignores (api.jwtSetUri set, as Helm does with Identity) gets a 401 that says so', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 1, reportsPerDashboard: 1})
    const target = await targetFor(dev)
    running.push(dev, target)
    const run = await act('plan', target, workspace, {
      'access-token': 'static-token-of-values-yaml'
    })
    expect(run.code).toBe(1)
    expect(said(run)).toMatch(
      /401 Unauthorized.*Optimize ignores that setting when api\.jwtSetUri is set, as the Camunda Helm chart does with Identity: there, use 'client-id', 'client-secret' and 'oauth-url' instead/
    )
  })
})
