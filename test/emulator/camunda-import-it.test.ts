// Conformance with Camunda's own import tests: each test names the IT method it mirrors in
// camunda/camunda optimize/backend/src/it/java/io/camunda/optimize/rest/pub/
// PublicApiEntityImportIT.java @ 4aa292960bf17f49a9d978912f4b5fd7881cef5a. The IT asserts 400
// for file errors: true of JAX-RS builds and of `latest`; the Spring builds between answer those
// with 500 (defects-import.test.ts), so the mirrors run on the two profiles where the IT holds.
import {describe, expect, it} from 'vitest'
import type {Emulator, JsonObject, Profile} from '../../emulator/index.js'
import {decisionReport, ERR, importInto, report, startWithFixture, UUID} from './helpers.js'

type Item = {id: string; entityType: string}
const API_IMPORT_OWNER_NAME = 'System User'
const DECISION_KEY = 'aDecisionKey'

async function target(profile: Profile): Promise<Emulator> {
  const emu = await startWithFixture({profile})
  emu.state.addDefinition({type: 'decision', key: DECISION_KEY, versions: ['1'], tenants: [null]})
  emu.state.addToScope('dst', 'decision', DECISION_KEY, [null])
  return emu
}

/** AbstractExportImportEntityDefinitionIT.assertImportedReport, on the stored entity. */
function assertImportedReport(emu: Emulator, id: string, expected: JsonObject): void {
  const stored = emu.state.getReport(id) as JsonObject
  expect(stored).toMatchObject({
    name: expected.name,
    description: expected.description,
    owner: API_IMPORT_OWNER_NAME,
    lastModifier: API_IMPORT_OWNER_NAME,
    collectionId: 'dst'
  })
  const strip = (data: JsonObject) => {
    const copy = structuredClone(data)
    delete (copy.configuration as JsonObject).xml // refilled from the target (populateDefinitionXml)
    delete copy.userTaskReport
    return copy
  }
  expect(strip(stored.data as JsonObject)).toEqual(strip(expected.data as JsonObject))
}

const combined = (id: string, childId: string): JsonObject => ({
  id,
  exportEntityType: 'combined_report',
  name: 'Combined',
  description: null,
  sourceIndexVersion: 5,
  collectionId: null,
  data: {configuration: {}, visualization: 'bar', reports: [{id: childId, color: '#1991c8'}]}
})

const dashboard = (id: string, name: string, tiles: JsonObject[]): JsonObject => ({
  id,
  exportEntityType: 'dashboard',
  name,
  description: null,
  sourceIndexVersion: 8,
  tiles,
  availableFilters: [],
  collectionId: null,
  instantPreviewDashboard: false
})

const tile = (id: string, type = 'optimize_report', configuration: JsonObject | null = null) => ({
  id,
  position: {x: 0, y: 0},
  dimensions: {width: 4, height: 2},
  type,
  configuration
})

describe.each(['8.6-jaxrs', 'latest'] as Profile[])('PublicApiEntityImportIT on %s', profile => {
  it('importReport', async () => {
    const emu = await target(profile)
    const reportDef = report()
    const res = await importInto(emu, 'dst', [reportDef])
    const items = res.json as Item[]
    expect(items.map(i => i.entityType)).toEqual(['report'])
    assertImportedReport(emu, items[0].id, reportDef)
  })

  it('importReportWithInvalidDescription', async () => {
    const emu = await target(profile)
    expect((await importInto(emu, 'dst', [report({description: ''})])).status).toBe(400)
  })

  it('importManagementReportNotPossible', async () => {
    const emu = await target(profile)
    const res = await importInto(emu, 'dst', [report({}, {managementReport: true})])
    expect(res.status).toBe(400)
  })

  it('importMultipleReports', async () => {
    const emu = await target(profile)
    const report1 = report({name: 'ProcessReport'})
    const report2 = {...decisionReport('d-1', DECISION_KEY), name: 'DecisionReport'}
    const items = (await importInto(emu, 'dst', [report1, report2])).json as Item[]
    expect(items.map(i => i.entityType)).toEqual(['report', 'report'])
    const names = items.map(i => emu.state.getReport(i.id)?.name)
    expect(names.sort()).toEqual(['DecisionReport', 'ProcessReport'])
    for (const item of items) {
      const stored = emu.state.getReport(item.id) as JsonObject
      assertImportedReport(emu, item.id, stored.name === 'ProcessReport' ? report1 : report2)
    }
  })

  it('importDashboard', async () => {
    const emu = await target(profile)
    const process = report()
    const decision = decisionReport('b0000000-0000-4000-8000-000000000001', DECISION_KEY)
    const comb = combined('c0000000-0000-4000-8000-000000000001', String(process.id))
    const url = 'my.external-resource.com'
    const dash = dashboard('d0000000-0000-4000-8000-000000000001', 'Dashboard', [
      tile(String(process.id)),
      tile(String(decision.id)),
      tile(String(comb.id)),
      tile('', 'external_url', {external: url})
    ])
    const res = await importInto(emu, 'dst', [dash, process, comb, decision])
    const items = res.json as Item[]
    expect(items.map(i => i.entityType).sort()).toEqual(['dashboard', 'report', 'report', 'report'])
    // the process report within the combined report is only imported once
    const reportIds = items.filter(i => i.entityType === 'report').map(i => i.id)
    expect(emu.state.listReports('dst')).toHaveLength(3)
    const stored = emu.state.getDashboard(
      items.find(i => i.entityType === 'dashboard')?.id as string
    ) as JsonObject
    expect(stored).toMatchObject({
      name: 'Dashboard',
      owner: API_IMPORT_OWNER_NAME,
      lastModifier: API_IMPORT_OWNER_NAME,
      collectionId: 'dst',
      availableFilters: [],
      managementDashboard: false
    })
    expect(stored.created).toBe(stored.lastModified)
    const tiles = stored.tiles as JsonObject[]
    expect(tiles.map(t => ({...t, id: null}))).toEqual(
      (dash.tiles as JsonObject[]).map(t => ({...t, id: null}))
    )
    const tileIds = tiles.filter(t => t.type !== 'external_url').map(t => t.id)
    expect(tileIds.sort()).toEqual([...reportIds].sort())
    expect(tiles.filter(t => t.type === 'external_url').map(t => t.configuration)).toEqual([
      {external: url}
    ])
  })

  it('importMultipleDashboards', async () => {
    const emu = await target(profile)
    // The IT sets dashboard1's id twice, so dashboard2 keeps the generated one.
    const dashboard1 = dashboard('Id2', 'Dashboard1', [])
    const dashboard2 = dashboard('e0000000-0000-4000-8000-000000000002', 'Dashboard2', [])
    const items = (await importInto(emu, 'dst', [dashboard1, dashboard2])).json as Item[]
    expect(items.map(i => i.entityType)).toEqual(['dashboard', 'dashboard'])
    const names = items.map(i => emu.state.getDashboard(i.id)?.name)
    expect(names.sort()).toEqual(['Dashboard1', 'Dashboard2'])
  })

  it('importInvalidEntities', async () => {
    const emu = await target(profile)
    const res = await importInto(emu, 'dst', [report({id: null})])
    expect(res.status).toBe(400)
    expect((res.json as JsonObject).errorCode).toBe('importFileInvalid')
    expect((res.json as JsonObject).detailedMessage).toContain(
      'Could not import entities because the provided file contains invalid OptimizeExportDtos.'
    )
  })

  it('importInvalidJson', async () => {
    const emu = await target(profile)
    const res = await importInto(emu, 'dst', 'Invalid Json String')
    expect(res.status).toBe(400)
    expect((res.json as JsonObject).errorCode).toBe('importFileInvalid')
    expect((res.json as JsonObject).errorMessage).toBe(ERR.importFileInvalid)
    expect((res.json as JsonObject).detailedMessage).toContain(
      'Could not import entities because the provided file is not a valid list of OptimizeEntityExportDtos.'
    )
  })

  it('importEmptyBody', async () => {
    const emu = await target(profile)
    const res = await importInto(emu, 'dst', '')
    expect(res.status).toBe(400)
    expect((res.json as JsonObject).errorCode).toBe('importFileInvalid')
    expect((res.json as JsonObject).detailedMessage).toContain(
      'Could not import entity because the provided file is null or empty.'
    )
    for (const item of (await importInto(emu, 'dst', [report()])).json as Item[])
      expect(item.id).toMatch(UUID)
  })
})
