// Conformance with Camunda's public-API ITs for listings, definition exports, deletes and auth.
// Each describe names the IT class (camunda/camunda optimize/backend/src/it/java/io/camunda/
// optimize/rest/pub/ unless said otherwise) and its commit; each test the IT method it mirrors.
import {describe, expect, it} from 'vitest'
import type {Emulator, JsonObject} from '../../emulator/index.js'
import {call, decisionReport, FIXTURE, report, start} from './helpers.js'

const DECISION_KEY = 'aDecisionKey'
// Only lower-case UUIDs count as report tiles (IdGenerator.isValidId).
const [P1, P2, C1, DEC] = [1, 2, 3, 4].map(n => `aaaaaaaa-0000-4000-8000-00000000000${n}`)

function setUp(emu: Emulator, collectionId: string): void {
  if (!emu.state.collections.has(collectionId))
    emu.state.addCollection({id: collectionId, name: collectionId})
}
const put = (emu: Emulator, entity: JsonObject, collectionId = 'c'): string => {
  setUp(emu, collectionId)
  emu.state.putEntity(entity, collectionId)
  return String(entity.id)
}
const processReport = (id: string): JsonObject => ({...report(), id})
const dashboardOf = (id: string, tileIds: string[], extra: JsonObject[] = []): JsonObject => ({
  ...structuredClone(FIXTURE[8]),
  id,
  availableFilters: [],
  tiles: [
    ...tileIds.map(t => ({
      id: t,
      position: {x: 0, y: 0},
      dimensions: {width: 4, height: 2},
      type: 'optimize_report',
      configuration: null
    })),
    ...extra
  ]
})
const combinedOf = (id: string, children: string[]): JsonObject => ({
  id,
  exportEntityType: 'combined_report',
  name: 'Combined',
  description: null,
  sourceIndexVersion: 5,
  collectionId: null,
  data: {
    configuration: {},
    visualization: 'bar',
    reports: children.map(c => ({id: c, color: '#1991c8'}))
  }
})
const exportReports = (emu: Emulator, ids: string[]) =>
  call(emu, 'POST', '/api/public/export/report/definition/json', ids)
const exportDashboards = (emu: Emulator, ids: string[]) =>
  call(emu, 'POST', '/api/public/export/dashboard/definition/json', ids)
const ofType = (entities: unknown, type: string) =>
  (entities as JsonObject[]).filter(e => e.exportEntityType === type)
const ids = (res: {json: unknown}) => (res.json as {id: string}[]).map(i => i.id).sort()

describe('PublicApiEntityIdRetrievalIT @ 1af068222dfc46ac3a24006064f9695934fc60d0', () => {
  it('retrieveReportIdsFromCollection / retrieveDashboardIdsFromCollection', async () => {
    const emu = await start()
    const reportId1 = put(emu, processReport('r1'))
    const reportId2 = put(emu, decisionReport('r2', DECISION_KEY))
    const otherCollReport = put(emu, processReport('r3'), 'other')
    const dashboardId1 = put(emu, dashboardOf('d1', [reportId1]))
    const dashboardId2 = put(emu, dashboardOf('d2', [reportId1, otherCollReport]))
    put(emu, dashboardOf('d3', [otherCollReport]), 'other')
    expect(ids(await call(emu, 'GET', '/api/public/report?collectionId=c'))).toEqual(
      [reportId1, reportId2].sort()
    )
    expect(ids(await call(emu, 'GET', '/api/public/dashboard?collectionId=c'))).toEqual(
      [dashboardId1, dashboardId2].sort()
    )
  })

  it('retrieveReportIdsFromNonExistentCollection / retrieveDashboardIdsFromNonExistentCollection', async () => {
    const emu = await start()
    for (const kind of ['report', 'dashboard'])
      expect((await call(emu, 'GET', `/api/public/${kind}?collectionId=fake_id`)).json).toEqual([])
  })
})

describe('PublicApiReportDefinitionExportIT @ 1af06822 (and AbstractReportDefinitionExportIT)', () => {
  it('exportMultipleReportDefinitions', async () => {
    const emu = await start()
    put(emu, processReport('p1'))
    put(emu, processReport('p2'))
    const res = await exportReports(emu, ['p1', 'p2'])
    expect((res.json as JsonObject[]).map(e => e.id).sort()).toEqual(['p1', 'p2'])
    for (const exported of res.json as JsonObject[])
      expect(exported).toMatchObject({name: FIXTURE[1].name, sourceIndexVersion: 11})
  })

  it('exportMultipleReportsNoDuplicates', async () => {
    const emu = await start()
    put(emu, processReport('p1'))
    const res = await exportReports(emu, ['p1', 'p1'])
    expect(res.json as unknown[]).toHaveLength(1)
  })

  it('exportCombinedReportAsJsonFile: the combined report and its 2 single reports', async () => {
    const emu = await start()
    put(emu, processReport('p1'))
    put(emu, processReport('p2'))
    put(emu, combinedOf('c1', ['p1', 'p2']))
    const res = await exportReports(emu, ['c1'])
    expect(res.json as unknown[]).toHaveLength(3)
    expect(ofType(res.json, 'combined_report')).toHaveLength(1)
    expect(ofType(res.json, 'single_process_report').map(e => e.id)).toEqual(['p1', 'p2'])
  })

  it('exportCombinedReportAsJsonFile_singleReportMissing → 500', async () => {
    const emu = await start()
    put(emu, combinedOf('c1', ['gone']))
    const res = await exportReports(emu, ['c1'])
    expect(res.status).toBe(500)
    expect((res.json as JsonObject).detailedMessage).toBe(
      'Could not retrieve some reports required by combined report with ID c1'
    )
  })

  it('an unknown id → 404 naming the requested ids (ReportExportService @ 086b1578)', async () => {
    const emu = await start()
    put(emu, processReport('p1'))
    const res = await exportReports(emu, ['p1', 'fakeId'])
    expect(res.status).toBe(404)
    expect((res.json as JsonObject).detailedMessage).toBe(
      'Could not find reports with IDs [p1, fakeId]'
    )
  })
})

describe('PublicApiDashboardDefinitionExportIT @ 8e48542e (and AbstractDashboardDefinitionExportIT)', () => {
  it('exportDashboard: dashboard, combined, 2 process and 1 decision report', async () => {
    const emu = await start()
    put(emu, processReport(P1))
    put(emu, processReport(P2))
    put(emu, decisionReport(DEC, DECISION_KEY))
    put(emu, combinedOf(C1, [P1]))
    put(emu, dashboardOf('d1', [C1, P2, DEC]))
    const res = await exportDashboards(emu, ['d1'])
    expect(res.json as unknown[]).toHaveLength(5)
    expect(ofType(res.json, 'dashboard')).toHaveLength(1)
    expect(ofType(res.json, 'combined_report')).toHaveLength(1)
    expect(ofType(res.json, 'single_process_report')).toHaveLength(2)
    expect(ofType(res.json, 'single_decision_report')).toHaveLength(1)
  })

  it('exportMultipleDashboardDefinitions / noDuplicateReportsAcrossMultipleDashboards / noDuplicateDashboards', async () => {
    const emu = await start()
    put(emu, processReport(P1))
    put(emu, processReport(P2))
    put(emu, dashboardOf('d1', [P1]))
    put(emu, dashboardOf('d2', [P1, P2]))
    const both = await exportDashboards(emu, ['d1', 'd2'])
    expect(both.json as unknown[]).toHaveLength(4)
    expect(ofType(both.json, 'dashboard')).toHaveLength(2)
    expect(ofType(both.json, 'single_process_report')).toHaveLength(2)
    expect((await exportDashboards(emu, ['d1', 'd1'])).json as unknown[]).toHaveLength(2)
  })

  it('exportDashboard_noDuplicatesInExport: a report alone and inside a combined report, once', async () => {
    const emu = await start()
    put(emu, processReport(P1))
    put(emu, combinedOf(C1, [P1]))
    put(emu, dashboardOf('d1', [P1, C1]))
    const res = await exportDashboards(emu, ['d1'])
    expect(res.json as unknown[]).toHaveLength(3)
    expect(ofType(res.json, 'single_process_report')).toHaveLength(1)
  })

  it('exportDashboard_withExternalResource', async () => {
    const emu = await start()
    const external = {
      id: '',
      position: {x: 0, y: 0},
      dimensions: {width: 4, height: 2},
      type: 'external_url',
      configuration: {external: 'my.external-resource.com'}
    }
    put(emu, dashboardOf('d1', [], [external]))
    const [dashboard] = ofType((await exportDashboards(emu, ['d1'])).json, 'dashboard')
    expect((dashboard.tiles as JsonObject[]).map(t => t.configuration)).toEqual([
      {external: 'my.external-resource.com'}
    ])
  })

  it('exportDashboard_dashboardDoesNotExist → 404 containing the id; exportDashboard_reportMissing → 500', async () => {
    const emu = await start()
    const missing = await exportDashboards(emu, ['fakeId'])
    expect(missing.status).toBe(404)
    expect(missing.text).toContain('fakeId')
    put(emu, dashboardOf('d1', ['aaaaaaaa-0000-4000-8000-00000000dead']))
    expect((await exportDashboards(emu, ['d1'])).status).toBe(500)
  })
})

describe('PublicApiReportDeletionIT @ 89cc0dbb, PublicApiDashboardDeletionIT @ 33db2a2e (JAX-RS 204)', () => {
  it('deleteProcessReport / deleteDecisionReport / deleteReportNotExisting', async () => {
    const emu = await start()
    put(emu, processReport('p1'))
    put(emu, decisionReport('dec', DECISION_KEY))
    expect((await call(emu, 'DELETE', '/api/public/report/p1')).status).toBe(204)
    expect((await call(emu, 'DELETE', '/api/public/report/dec')).status).toBe(204)
    expect(emu.state.listReports()).toHaveLength(0)
    expect((await call(emu, 'DELETE', '/api/public/report/notExisting')).status).toBe(404)
  })

  it('deleteManagementProcessReportNotSupported / deleteInstantPreviewProcessReportNotSupported', async () => {
    const emu = await start()
    put(emu, {...report({}, {managementReport: true}), id: 'm'})
    put(emu, {...report({}, {instantPreviewReport: true}), id: 'i'})
    for (const id of ['m', 'i'])
      expect((await call(emu, 'DELETE', `/api/public/report/${id}`)).status).toBe(400)
  })

  it('deleteDashboard / deleteDashboardNotExisting', async () => {
    const emu = await start()
    put(emu, dashboardOf('d1', []))
    expect((await call(emu, 'DELETE', '/api/public/dashboard/d1')).status).toBe(204)
    expect(emu.state.listDashboards()).toHaveLength(0)
    expect((await call(emu, 'DELETE', '/api/public/dashboard/notExisting')).status).toBe(404)
  })
})

describe('PublicApiRestServiceIT @ 0799ed4cf58d43d87272ef40ca993fa1433f82db', () => {
  const requests: [string, string, unknown][] = [
    ['GET', '/api/public/export/report/fake_id/result/json', undefined],
    ['POST', '/api/public/export/report/definition/json', ['fake_id']],
    ['POST', '/api/public/export/dashboard/definition/json', ['fake_id']],
    ['POST', '/api/public/import?collectionId=fake_id', []],
    ['DELETE', '/api/public/report/fake_id', undefined],
    ['GET', '/api/public/report?collectionId=fake_id', undefined],
    ['GET', '/api/public/dashboard?collectionId=fake_id', undefined]
  ]

  it('executePublicApiRequestWithoutAuthorization / executePublicApiRequestWithInvalidToken', async () => {
    const emu = await start({accessToken: '1_2_Polizei'})
    for (const [method, path, body] of requests) {
      expect((await call(emu, method, path, body, {})).status).toBe(401)
      const invalid = {authorization: 'Bearer 1_2_Polizei1'}
      expect((await call(emu, method, path, body, invalid)).status).toBe(401)
    }
  })

  it('executePublicApiRequestWithoutRequiredCollectionId', async () => {
    const emu = await start()
    for (const path of ['/api/public/import', '/api/public/report', '/api/public/dashboard']) {
      const isImport = path.endsWith('import')
      const res = await call(emu, isImport ? 'POST' : 'GET', path, isImport ? [] : undefined)
      expect(res.status).toBe(400)
      expect(res.text).toContain('Must specify a collection ID for this request.')
    }
  })
})
