// Known defects and limits of real Optimize builds on import, each reproduced by the profile of
// the lines that have it (sources: emulator/README.md, "Profiles").
import {describe, expect, it} from 'vitest'
import type {JsonObject} from '../../emulator/index.js'
import {
  call,
  decisionReport,
  ERR,
  FIXTURE,
  FIXTURE_KEY,
  fixtureWithFilters,
  importInto,
  report,
  startTarget,
  startWithFixture,
  variableFilter
} from './helpers.js'

const FILTER_ERROR =
  'The provided file includes at least one dashboard with invalid filters. Error: The following variable filter names/types do not exist in any report in dashboard: ['

describe('camunda/camunda#55766: variable filters are checked against the TARGET under the ORIGINAL tile ids', () => {
  it('Spring builds (8.6–8.9) answer 500 serverError with the filter message and write nothing', async () => {
    for (const profile of ['8.6-8.8-patched', '8.9'] as const) {
      // The target's data HAS the variable: the check still fails, the tile ids are unknown there.
      const target = await startTarget({profile}, [{name: 'region', type: 'String'}])
      const res = await importInto(target, 'dst', fixtureWithFilters([variableFilter('region')]))
      expect(res.status).toBe(500)
      const body = res.json as JsonObject
      expect(body.errorCode).toBe('serverError')
      expect(body.errorMessage).toBe(ERR.serverError)
      expect(String(body.detailedMessage).startsWith(FILTER_ERROR)).toBe(true)
      expect(body.detailedMessage).toContain('name=region')
      expect(target.state.listReports('dst')).toHaveLength(0)
      expect(target.state.listDashboards('dst')).toHaveLength(0)
    }
  })

  it('JAX-RS builds (3.x, 8.6 before the rewrite) answer 400 importFileInvalid', async () => {
    for (const profile of ['3.11-3.14', '8.6-jaxrs'] as const) {
      const target = await startTarget({profile}, [{name: 'region', type: 'String'}])
      const res = await importInto(target, 'dst', fixtureWithFilters([variableFilter('region')]))
      expect(res.status).toBe(400)
      expect((res.json as JsonObject).errorCode).toBe('importFileInvalid')
      expect(String((res.json as JsonObject).detailedMessage).startsWith(FILTER_ERROR)).toBe(true)
    }
  })

  it('passes once reports with the original ids exist in the target and their definition has the variable', async () => {
    const target = await startTarget({profile: '8.6-8.8-patched'}, [
      {name: 'region', type: 'String'}
    ])
    // The target already holds the reports under the file's ids (e.g. imported earlier elsewhere).
    target.state.addCollection({id: 'other', name: 'Other'})
    for (const entity of FIXTURE.slice(0, 8)) target.state.putEntity(entity, 'other')
    const ok = await importInto(target, 'dst', fixtureWithFilters([variableFilter('region')]))
    expect(ok.status).toBe(200)
    // The type must match too, case-insensitively like the VariableType enum.
    const wrongType = await importInto(
      target,
      'dst',
      fixtureWithFilters([variableFilter('region', 'Long')])
    )
    expect(wrongType.status).toBe(500)
    const unknown = await importInto(target, 'dst', fixtureWithFilters([variableFilter('nope')]))
    expect(String((unknown.json as JsonObject).detailedMessage)).toContain('name=nope')
  })

  it('a round trip inside one Optimize passes: the original ids are its own reports', async () => {
    const emu = await startWithFixture({profile: '8.6-8.8-patched'})
    emu.state.addVariables(FIXTURE_KEY, [{name: 'region', type: 'String'}])
    const res = await importInto(emu, 'dst', fixtureWithFilters([variableFilter('region')]))
    expect(res.status).toBe(200)
  })

  it('latest: the existence check is skipped; malformed filters are still refused', async () => {
    // DashboardImportServiceTest @ bd5532f5, EntityImportDashboardFlowTest @ 779b4842
    const target = await startTarget({profile: 'latest'})
    const res = await importInto(target, 'dst', fixtureWithFilters([variableFilter('myVariable')]))
    expect(res.status).toBe(200)
    const dashboardId = (res.json as {id: string; entityType: string}[]).find(
      i => i.entityType === 'dashboard'
    )?.id as string
    const stored = target.state.getDashboard(dashboardId) as JsonObject
    expect(stored.availableFilters).toEqual([variableFilter('myVariable')])
    const subData = {operator: 'in', values: [], allowCustomValues: true}
    const bool = await importInto(
      target,
      'dst',
      fixtureWithFilters([variableFilter('flag', 'Boolean', subData)])
    )
    expect(bool.status).toBe(400)
    expect((bool.json as JsonObject).detailedMessage).toContain(
      'invalid filters. Error: Filter subdata cannot be supplied for BOOLEAN variable filters'
    )
    const noData = await importInto(target, 'dst', fixtureWithFilters([{type: 'variable'}]))
    expect((noData.json as JsonObject).detailedMessage).toContain(
      'invalid filters. Error: All filters need to supply Filter data'
    )
  })
})

describe('camunda/camunda#36419: 8.6–8.8 builds without @RequestBody on importEntities', () => {
  it('unpatched: every import fails as if the file were empty, nothing is written', async () => {
    const emu = await startWithFixture({profile: '8.6-8.8-unpatched'})
    const res = await importInto(emu, 'dst', FIXTURE)
    expect(res.status).toBe(500)
    expect(res.json).toEqual({
      errorCode: 'serverError',
      errorMessage: ERR.serverError,
      detailedMessage: 'Could not import entity because the provided file is null or empty.',
      reportDefinition: null
    })
    expect(emu.state.listReports('dst')).toHaveLength(0)
    // The collectionId check comes first, in the REST layer.
    const noCollection = await call(emu, 'POST', '/api/public/import', FIXTURE)
    expect(noCollection.status).toBe(400)
    expect((noCollection.json as JsonObject).errorCode).toBe('badRequestError')
  })

  it('unpatched, with the file-invalid handler of a JAX-RS-style mapper: 400 importFileInvalid', async () => {
    const emu = await startWithFixture({profile: '8.6-8.8-unpatched', validationAs500: false})
    const res = await importInto(emu, 'dst', FIXTURE)
    expect(res.status).toBe(400)
    expect((res.json as JsonObject).errorCode).toBe('importFileInvalid')
    expect((res.json as JsonObject).errorMessage).toBe(ERR.importFileInvalid)
  })

  it('patched (PR #36420): the same file imports', async () => {
    const emu = await startWithFixture({profile: '8.6-8.8-patched'})
    expect((await importInto(emu, 'dst', FIXTURE)).status).toBe(200)
  })
})

describe('entity.nameMaxLength (newest builds: ReportImportService @ bf1e37e8)', () => {
  const long = 'n'.repeat(256)

  it('latest: a report name over 255 characters → 400 importNameInvalid, after description errors', async () => {
    const emu = await startWithFixture({profile: 'latest'})
    const res = await importInto(emu, 'dst', [report({name: long})])
    expect(res.status).toBe(400)
    expect(res.json).toMatchObject({
      errorCode: 'importNameInvalid',
      detailedMessage: `Could not apply action due to invalid names. Names must be null or not exceed the configured maximum length. Invalid entities: [${String(FIXTURE[1].id)}]`
    })
    expect((await importInto(emu, 'dst', [report({name: 'n'.repeat(255)})])).status).toBe(200)
    const both = await importInto(emu, 'dst', [
      report({name: long}),
      {...report({description: ''}), id: 'other-id'}
    ])
    expect((both.json as JsonObject).errorCode).toBe('importDescriptionInvalid')
  })

  it('older lines do not check names', async () => {
    const emu = await startWithFixture({profile: '8.6-8.8-patched'})
    expect((await importInto(emu, 'dst', [report({name: long})])).status).toBe(200)
  })
})

describe('decision reports get their DMN XML refilled from the target (populateDefinitionXml)', () => {
  it('replaces the file`s configuration.xml with the target definition`s', async () => {
    const emu = await startWithFixture()
    emu.state.addDefinition({
      type: 'decision',
      key: 'invoiceClassification',
      versions: ['1'],
      tenants: [null],
      xml: '<definitions id="target-dmn"/>'
    })
    emu.state.addToScope('dst', 'decision', 'invoiceClassification', [null])
    const file = [decisionReport('d-1', 'invoiceClassification', '<definitions id="stale"/>')]
    const res = await importInto(emu, 'dst', file)
    expect(res.status).toBe(200)
    const id = (res.json as {id: string}[])[0].id
    const stored = emu.state.getReport(id) as JsonObject
    expect(((stored.data as JsonObject).configuration as JsonObject).xml).toBe(
      '<definitions id="target-dmn"/>'
    )
  })
})
