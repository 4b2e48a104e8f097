import {createServer, type IncomingMessage, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {readFile} from 'node:fs/promises'
import {afterEach, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {CommandFailedError} from '../../src/command.js'
import type {PlanDocument} from '../../src/entities/plan-document.js'
import {runImport} from '../../src/import.js'
import {runPlan} from '../../src/plan.js'
import type {Report} from '../../src/optimize/schemas.js'
import {templateExport} from '../helpers/fixtures.js'
import {recordingIo} from '../helpers/io.js'
import {
  TARGET_COLLECTION,
  dashboard,
  devWorkspace,
  processReport,
  snapshot,
  targetFor,
  targetSettings,
  uuid,
  writeTree,
  importCalls
} from './helpers.js'

const running: {close(): Promise<void>}[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(async s => s.close()))
})

async function plan(
  target: Emulator,
  workspace: string,
  inputs: Record<string, string> = {}
): Promise<{document: PlanDocument; summary: string; error?: CommandFailedError}> {
  const settings = targetSettings(target, workspace, inputs)
  let summary: string
  let error: CommandFailedError | undefined
  try {
    summary = (await runPlan(settings, recordingIo())).summary
  } catch (e) {
    if (!(e instanceof CommandFailedError)) throw e
    error = e
    summary = e.result?.summary ?? ''
  }
  const document = JSON.parse(await readFile(settings.planFile, 'utf8')) as PlanDocument
  return {document, summary, error}
}

/** A target for the hand-made trees of `sample()`: definition 'invoice', tenant none. */
async function invoiceTarget(): Promise<Emulator> {
  const target = await startEmulator({idSeed: 3})
  running.push(target)
  target.state.addCollection({id: TARGET_COLLECTION, name: 'Production'})
  target.state.addDefinition({
    type: 'process',
    key: 'invoice',
    versions: ['1', '2'],
    tenants: [null]
  })
  target.state.addToScope(TARGET_COLLECTION, 'process', 'invoice', [null])
  return target
}

function sample(): (Report | ReturnType<typeof dashboard>)[] {
  return [
    processReport(1, 'Cycle time'),
    processReport(2, 'Cycle time', {visualization: 'bar'}),
    processReport(3, 'Backlog'),
    processReport(4, 'Lonely KPI'),
    dashboard(10, 'Operations', [uuid(1), uuid(3)]),
    dashboard(11, 'Finance', [uuid(2)])
  ]
}

describe('plan', () => {
  it('the real Optimize export promotes and re-promotes without duplicates', async () => {
    const entities = templateExport()
    const workspace = await writeTree(entities)
    const target = await startEmulator({idSeed: 5})
    running.push(target)
    target.state.addCollection({id: TARGET_COLLECTION, name: 'Production'})
    // Registers the fixture's definition and tenants in the target and its scope.
    target.state.seedEntities(structuredClone(entities), {collectionId: 'elsewhere'})
    for (const entry of target.state.collections.get('elsewhere')?.scope ?? [])
      target.state.addToScope(
        TARGET_COLLECTION,
        entry.definitionType,
        entry.definitionKey,
        entry.tenants
      )

    const settings = targetSettings(target, workspace, {command: 'import'})
    await runImport(settings, recordingIo())
    const first = snapshot(target)
    expect(first.dashboards).toHaveLength(1)
    expect(first.reports).toHaveLength(8)
    for (let i = 0; i < 3; i++) await runImport(settings, recordingIo())
    expect(snapshot(target)).toEqual(first)
    expect(importCalls(target)).toBe(1)
  })

  it('says what differs in words, resolves name clashes and lists what is not in git', async () => {
    const target = await invoiceTarget()
    await runImport(
      targetSettings(target, await writeTree(sample()), {command: 'import'}),
      recordingIo()
    )
    const changed = sample()
    ;(changed[0] as Report).data.visualization = 'line' // a report on 'Operations'
    ;(changed[3] as Report).description = 'Now described' // the standalone report
    const workspace = await writeTree(changed.filter(e => e.name !== 'Finance'))
    // A hand-made dashboard named like a git one, so 'Operations' exists twice.
    const [ops] = target.state
      .listDashboards(TARGET_COLLECTION)
      .filter(d => d.name === 'Operations')
    target.state.putEntity({...structuredClone(ops), id: uuid(500)}, TARGET_COLLECTION)

    const {document, summary} = await plan(target, workspace)
    const byName = new Map(document.items?.map(i => [`${i.kind}:${i.name}`, i]))
    const operations = byName.get('dashboard:Operations')
    expect(operations?.action).toBe('replace')
    expect(operations?.targetIds).toHaveLength(2)
    expect(operations?.reasons.join()).toMatch(
      /2 dashboards in the target are named 'Operations' and none equals the file/
    )
    expect(operations?.changes).toContain(
      "tile (0, 1) report 'Cycle time': report.data.visualization: 'number' → 'line'"
    )
    expect(byName.get('report:Lonely KPI')?.changes).toEqual([
      "description: null → 'Now described'"
    ])
    expect(byName.has('dashboard:Finance')).toBe(false)
    expect(document.unmanaged).toEqual([
      {kind: 'dashboard', id: expect.any(String), name: 'Finance'}
    ])
    expect(summary).toContain('1 in the collection but not in git (kept; set prune to delete them)')
  })

  it('prune: deletes what is not in git only when set, with the reports nothing else uses', async () => {
    const target = await invoiceTarget()
    await runImport(
      targetSettings(target, await writeTree(sample()), {command: 'import'}),
      recordingIo()
    )
    const withoutFinance = await writeTree(
      sample().filter(e => !['Finance', 'Lonely KPI'].includes(e.name) && e.id !== uuid(2))
    )

    const kept = await runImport(
      targetSettings(target, withoutFinance, {command: 'import'}),
      recordingIo()
    )
    expect(kept.outputs['has-changes']).toBe('false')
    expect(target.state.listDashboards(TARGET_COLLECTION)).toHaveLength(2)

    const {document} = await plan(target, withoutFinance, {prune: 'true'})
    expect(
      document.items?.filter(i => i.action === 'delete').map(i => `${i.kind}:${i.name}`)
    ).toEqual(['dashboard:Finance', 'report:Lonely KPI'])
    expect(document.orphanedReports?.map(r => r.name)).toEqual(['Cycle time'])
    await runImport(
      targetSettings(target, withoutFinance, {command: 'import', prune: 'true'}),
      recordingIo()
    )
    expect(target.state.listDashboards(TARGET_COLLECTION).map(d => d.name)).toEqual(['Operations'])
    expect(
      target.state
        .listReports(TARGET_COLLECTION)
        .map(r => r.name)
        .sort()
    ).toEqual(['Backlog', 'Cycle time'])
  })

  it('fails on bad credentials, and on a target index version the files do not have', async () => {
    const {workspace, dev} = await devWorkspace({dashboards: 2, reportsPerDashboard: 2})
    const target = await targetFor(dev)
    running.push(dev, target)
    const denied = await plan(target, workspace, {'access-token': 'wrong'})
    expect(denied.error?.message).toMatch(/credentials: .*401/)

    const old = await plan(target, workspace, {'optimize-version': '3.10'})
    expect(old.error?.message).toMatch(/dashboard index 8, the target expects 7/)
    expect(old.error?.message).toMatch(/process report index 11, the target expects 10/)
  })

  it('on an Optimize without collection endpoints, the listing tells that the collection exists', async () => {
    const target = await invoiceTarget()
    await runImport(
      targetSettings(target, await writeTree(sample()), {command: 'import'}),
      recordingIo()
    )
    target.faults.add({route: 'getCollection', status: 404, times: Infinity})
    target.faults.add({route: 'listCollections', status: 404, times: Infinity})
    const {document} = await plan(target, await writeTree(sample()))
    expect(document.prerequisites.find(p => p.check === 'collection')).toEqual({
      check: 'collection',
      status: 'ok',
      message: expect.stringMatching(/no collection endpoint, so the listing tells/)
    })
  })
})

describe('plan: definitions in the engine', () => {
  /** A tiny engine: Camunda 7 (GET …/process-definition?key=) or Camunda 8 (POST …/v2/…/search). */
  async function fakeEngine(
    api: 'c7' | 'c8',
    versions: Record<string, number[]>
  ): Promise<{url: string; seen: string[]}> {
    const seen: string[] = []
    const server: Server = createServer((req: IncomingMessage, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x')
        seen.push(`${req.method} ${url.pathname} ${req.headers.authorization ?? ''}`)
        if (
          api === 'c7' &&
          req.method === 'GET' &&
          url.pathname === '/engine-rest/process-definition'
        ) {
          const key = url.searchParams.get('key') ?? ''
          res.end(
            JSON.stringify(
              (versions[key] ?? []).map(v => ({id: `${key}:${v}`, key, version: v, tenantId: null}))
            )
          )
        } else if (
          api === 'c8' &&
          req.method === 'POST' &&
          url.pathname === '/v2/process-definitions/search'
        ) {
          const key = (JSON.parse(body) as {filter: {processDefinitionId: string}}).filter
            .processDefinitionId
          res.end(
            JSON.stringify({
              items: (versions[key] ?? []).map(v => ({
                processDefinitionId: key,
                version: v,
                tenantId: '<default>'
              })),
              page: {totalItems: 1}
            })
          )
        } else {
          res.statusCode = 404
          res.end('{}')
        }
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    running.push({close: async () => new Promise<void>(resolve => server.close(() => resolve()))})
    const {port} = server.address() as AddressInfo
    return {url: `http://127.0.0.1:${port}${api === 'c7' ? '/engine-rest' : ''}`, seen}
  }

  it('Camunda 7: a missing key fails the plan; present keys pass; the same credentials are sent', async () => {
    const target = await invoiceTarget()
    const workspace = await writeTree(sample())
    const missing = await fakeEngine('c7', {other: [1]})
    const failed = await plan(target, workspace, {'definitions-url': missing.url})
    expect(failed.error?.message).toMatch(
      /Camunda 7 at .*process definition 'invoice' does not exist \(used by 'Backlog', 'Cycle time', 'Lonely KPI'\)/
    )
    expect(missing.seen[0]).toBe(`GET /engine-rest/process-definition Bearer ${target.token}`)
    expect(importCalls(target)).toBe(0)

    const present = await fakeEngine('c7', {invoice: [1, 2]})
    const ok = await plan(target, workspace, {'definitions-url': present.url})
    expect(ok.error).toBeUndefined()
    expect(ok.document.prerequisites.find(p => p.check === 'definitions')?.status).toBe('ok')
  })

  it('Camunda 8 (found by trying): a pinned version that does not exist fails the plan', async () => {
    const target = await invoiceTarget()
    const pinned = sample()
    ;(pinned[0] as Report).data.definitions = [
      {key: 'invoice', versions: ['1', '3'], tenantIds: [null]}
    ]
    const engine = await fakeEngine('c8', {invoice: [1, 2]})
    const {error} = await plan(target, await writeTree(pinned), {'definitions-url': engine.url})
    expect(error?.message).toMatch(
      /Camunda 8 at .*process definition 'invoice' has no version 3 \(it has 1, 2;.*Optimize would drop the missing versions silently/
    )
    expect(engine.seen.map(s => s.split(' ').slice(0, 2).join(' '))).toEqual([
      'GET /process-definition',
      'POST /v2/process-definitions/search'
    ])
  })
})
