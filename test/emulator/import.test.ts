import {describe, expect, it} from 'vitest'
import type {Emulator, JsonObject} from '../../emulator/index.js'
import {
  call,
  DASHBOARD_ID,
  ERR,
  FIXTURE,
  FIXTURE_KEY,
  fixtureCopy,
  importInto,
  report,
  startWithFixture,
  UUID
} from './helpers.js'

type Item = {id: string; entityType: string}

/** Strip what Optimize does not keep (ids, collectionId, refilled xml) to compare content. */
function normalize(entities: JsonObject[]): unknown {
  const names = new Map(entities.map(e => [e.id, e.name]))
  return entities
    .map(e => {
      const copy = structuredClone(e)
      delete copy.id
      delete copy.collectionId
      const data = copy.data as JsonObject | undefined
      if (data && typeof data.configuration === 'object' && data.configuration)
        delete (data.configuration as JsonObject).xml
      if (Array.isArray(copy.tiles)) {
        copy.tiles = (copy.tiles as JsonObject[]).map(t => ({
          ...t,
          id: t.id ? (names.get(t.id) ?? null) : t.id
        }))
      }
      return copy
    })
    .sort((a, b) => String(a.name).localeCompare(String(b.name)))
}

async function exportCollection(emulator: Emulator, collectionId: string): Promise<JsonObject[]> {
  const ids = emulator.state.listDashboards(collectionId).map(d => d.id)
  const res = await call(emulator, 'POST', '/api/public/export/dashboard/definition/json', ids)
  expect(res.status).toBe(200)
  return res.json as JsonObject[]
}

describe('import pipeline: success path', () => {
  it('round-trips the real fixture (new ids, System User, collectionId from the query, xml refilled)', async () => {
    const emu = await startWithFixture()
    const res = await importInto(emu, 'dst', FIXTURE)
    expect(res.status).toBe(200)
    const items = res.json as Item[]
    expect(items).toHaveLength(9)
    expect(items.filter(i => i.entityType === 'report')).toHaveLength(8)
    expect(items.filter(i => i.entityType === 'dashboard')).toHaveLength(1)
    for (const item of items) {
      expect(item.id).toMatch(UUID)
      expect(FIXTURE.map(e => e.id)).not.toContain(item.id)
      expect(Object.keys(item)).toEqual(['id', 'entityType'])
    }
    // Step 13: HashMap order, not input order (the dashboard is last in the file).
    expect(items.map(i => i.entityType).indexOf('dashboard')).not.toBe(8)
    const exported = await exportCollection(emu, 'dst')
    expect(normalize(exported)).toEqual(normalize(FIXTURE))
    for (const entity of exported) expect(entity.collectionId).toBe('dst')
    const xml = emu.state.getDefinition('process', FIXTURE_KEY)?.xml
    for (const r of exported.filter(e => e.exportEntityType !== 'dashboard')) {
      expect(((r.data as JsonObject).configuration as JsonObject).xml).toBe(xml)
    }
    const stored = emu.state.listDashboards('dst')[0]
    expect(stored.owner).toBe('System User')
    expect(stored.lastModifier).toBe('System User')
    expect(stored.refreshRateSeconds).toBeNull()
    expect(stored.managementDashboard).toBe(false)
    const newIds = new Set(items.map(i => i.id))
    for (const tile of stored.tiles as JsonObject[]) {
      if (tile.type === 'optimize_report') expect(newIds.has(String(tile.id))).toBe(true)
      else expect(tile.id).toBe('')
    }
  })

  it('accepts a single object, ignores unknown fields and de-duplicates identical entities', async () => {
    const emu = await startWithFixture()
    const single = await importInto(emu, 'dst', {
      ...FIXTURE[0],
      owner: 'x',
      refreshRateSeconds: 5,
      surprise: {a: 1}
    })
    expect(single.status).toBe(200)
    expect(single.json as Item[]).toHaveLength(1)
    const twice = await importInto(emu, 'dst', [FIXTURE[1], FIXTURE[1]])
    expect(twice.json as Item[]).toHaveLength(1)
    expect(emu.state.listReports('dst')).toHaveLength(2)
  })

  it('drops nonexistent explicit versions silently (9d) and remaps combined children (12b)', async () => {
    const emu = await startWithFixture()
    emu.state.addDefinition({
      type: 'process',
      key: FIXTURE_KEY,
      versions: ['1', '2'],
      tenants: [null]
    })
    const child = report(
      {},
      {definitions: [{key: FIXTURE_KEY, versions: ['2', '99'], tenantIds: [null]}]}
    )
    const combined = {
      id: '0c0c0c0c-0000-4000-8000-000000000001',
      exportEntityType: 'combined_report',
      name: 'both',
      description: null,
      sourceIndexVersion: 5,
      collectionId: null,
      data: {configuration: {}, visualization: 'bar', reports: [{id: child.id, color: '#1991c8'}]}
    }
    const res = await importInto(emu, 'dst', [combined, child])
    expect(res.status).toBe(200)
    const reports = emu.state.listReports('dst')
    const single = reports.find(r => r.exportEntityType === 'single_process_report') as JsonObject
    expect(((single.data as JsonObject).definitions as JsonObject[])[0].versions).toEqual(['2'])
    const comb = reports.find(r => r.exportEntityType === 'combined_report') as JsonObject
    expect((comb.data as JsonObject).reports).toEqual([{id: single.id, color: '#1991c8'}])
    // Writes: single reports first, then combined (12a/12b).
    expect(reports.map(r => r.exportEntityType)).toEqual([
      'single_process_report',
      'combined_report'
    ])
  })

  it('treats only lower-case-UUID tile ids as references', async () => {
    const emu = await startWithFixture()
    const dashboard = structuredClone(FIXTURE[8])
    const upper = 'ABCDEF01-0000-4000-8000-000000000000'
    dashboard.tiles = [
      {
        id: upper,
        position: {x: 0, y: 0},
        dimensions: {width: 4, height: 2},
        type: 'external_url',
        configuration: null
      },
      {
        id: 'agentic-x',
        position: {x: 4, y: 0},
        dimensions: {width: 4, height: 2},
        type: 'text',
        configuration: null
      }
    ]
    const res = await importInto(emu, 'dst', dashboard)
    expect(res.status).toBe(200)
    expect((emu.state.listDashboards('dst')[0].tiles as JsonObject[]).map(t => t.id)).toEqual([
      upper,
      'agentic-x'
    ])
  })
})

describe('import errors, one per step and errorCode', () => {
  it('step 1: missing collectionId → 400 badRequestError', async () => {
    const emu = await startWithFixture()
    const res = await call(emu, 'POST', '/api/public/import', FIXTURE)
    expect(res.status).toBe(400)
    expect(res.json).toEqual({
      errorCode: 'badRequestError',
      errorMessage: ERR.badRequestError,
      detailedMessage: 'Must specify a collection ID for this request.',
      reportDefinition: null
    })
  })

  it('step 2: empty body → importFileInvalid', async () => {
    const emu = await startWithFixture()
    const res = await importInto(emu, 'dst', '')
    expect(res.status).toBe(400)
    expect(res.json).toEqual({
      errorCode: 'importFileInvalid',
      errorMessage: ERR.importFileInvalid,
      detailedMessage: 'Could not import entity because the provided file is null or empty.',
      reportDefinition: null
    })
  })

  it.each([
    ['not json', '{nope', 'Error:'],
    [
      'unknown type',
      [{...FIXTURE[0], exportEntityType: 'alert'}],
      "Could not resolve type id 'alert'"
    ],
    [
      'case-sensitive type',
      [{...FIXTURE[0], exportEntityType: 'Dashboard'}],
      "Could not resolve type id 'Dashboard'"
    ],
    [
      'missing discriminator',
      [{id: 'x', name: 'y'}],
      "missing type id property 'exportEntityType'"
    ],
    ['object as name', [{...FIXTURE[0], name: {a: 1}}], 'java.lang.String']
  ])('step 3: %s → importFileInvalid', async (_label, body, fragment) => {
    const emu = await startWithFixture()
    const res = await importInto(emu, 'dst', body)
    expect(res.status).toBe(400)
    const json = res.json as JsonObject
    expect(json.errorCode).toBe('importFileInvalid')
    expect(json.detailedMessage).toContain(
      'Could not import entities because the provided file is not a valid list of OptimizeEntityExportDtos. Error:'
    )
    expect(json.detailedMessage).toContain(fragment)
  })

  it('step 4: bean validation of top-level fields', async () => {
    const emu = await startWithFixture()
    const res = await importInto(emu, 'dst', [{...FIXTURE[0], name: null, data: null}])
    expect(res.status).toBe(400)
    expect((res.json as JsonObject).detailedMessage).toBe(
      'Could not import entities because the provided file contains invalid OptimizeExportDtos. Errors: name must not be null,data must not be null'
    )
  })

  it('step 5: incomplete file → importFileInvalid naming the missing ids', async () => {
    const emu = await startWithFixture()
    const res = await importInto(emu, 'dst', [FIXTURE[8], ...FIXTURE.slice(1, 8)])
    expect(res.status).toBe(400)
    expect(res.json).toEqual({
      errorCode: 'importFileInvalid',
      errorMessage: ERR.importFileInvalid,
      detailedMessage: `Could not import entities because the file is incomplete, some reports required by a combined report or dashboard are missing. The missing reports have IDs: [${String(FIXTURE[0].id)}]`,
      reportDefinition: null
    })
  })

  it('step 6/7: instant preview and management entities are rejected', async () => {
    const emu = await startWithFixture()
    const preview = await importInto(emu, 'dst', [
      {...FIXTURE[8], instantPreviewDashboard: true},
      ...FIXTURE.slice(0, 8)
    ])
    expect(preview.status).toBe(400)
    expect((preview.json as JsonObject).detailedMessage).toBe(
      'Cannot import Instant preview dashboards and reports.'
    )
    const management = await importInto(emu, 'dst', report({}, {managementReport: true}))
    expect(management.status).toBe(400)
    expect(management.json).toEqual({
      errorCode: 'badRequestError',
      errorMessage: ERR.badRequestError,
      detailedMessage: 'Cannot import management reports',
      reportDefinition: null
    })
  })

  it('step 8: unknown collection → 404, but only after the file checks', async () => {
    const emu = await startWithFixture()
    const notFound = await importInto(emu, 'nope', FIXTURE)
    expect(notFound.status).toBe(404)
    expect((notFound.json as JsonObject).errorCode).toBe('notFoundError')
    expect((notFound.json as JsonObject).errorMessage).toBe(ERR.notFoundError)
    const invalidFirst = await importInto(emu, 'nope', '')
    expect(invalidFirst.status).toBe(400)
  })

  it('9c: index mismatch, missing sourceIndexVersion = 0', async () => {
    const emu = await startWithFixture()
    const noVersion = report()
    delete noVersion.sourceIndexVersion
    const res = await importInto(emu, 'dst', [report({sourceIndexVersion: 8}), noVersion])
    expect(res.status).toBe(400)
    const json = res.json as JsonObject
    expect(json.errorCode).toBe('importIndexVersionMismatch')
    expect(json.errorMessage).toBe(
      'Import failed because the data structure of the imported entities do not match the current data structure. Please migrate the data in your source Optimize before exporting to ensure the Optimize Version matches.'
    )
    expect(json.reportDefinition).toBeNull()
    expect(json.mismatchingIndices).toEqual(
      expect.arrayContaining([
        {
          indexName: 'optimize-single-process-report_v11',
          sourceIndexVersion: 8,
          targetIndexVersion: 11
        },
        {
          indexName: 'optimize-single-process-report_v11',
          sourceIndexVersion: 0,
          targetIndexVersion: 11
        }
      ])
    )
    const dash = await importInto(emu, 'dst', [
      ...FIXTURE.slice(0, 8),
      {...FIXTURE[8], sourceIndexVersion: 7}
    ])
    expect((dash.json as JsonObject).mismatchingIndices).toEqual([
      {indexName: 'optimize-dashboard_v8', sourceIndexVersion: 7, targetIndexVersion: 8}
    ])
  })

  it('9d: missing definitions (unknown key, no existing explicit version, "all" without versions)', async () => {
    const emu = await startWithFixture()
    const res = await importInto(
      emu,
      'dst',
      report({}, {definitions: [{key: 'nope', versions: ['all'], tenantIds: [null]}]})
    )
    expect(res.status).toBe(400)
    expect(res.json).toEqual({
      errorCode: 'importDefinitionDoesNotExist',
      errorMessage:
        "Import failed because the imported entity requires definitions that don't exist.",
      detailedMessage: 'Could not import because at least one required definition does not exist.',
      reportDefinition: null,
      definitions: [{type: 'process', key: 'nope', versions: ['all'], tenantIds: [null]}]
    })
    const explicit = await importInto(
      emu,
      'dst',
      report({}, {definitions: [{key: FIXTURE_KEY, versions: ['98', '99'], tenantIds: [null]}]})
    )
    expect((explicit.json as JsonObject).definitions).toEqual([
      {type: 'process', key: FIXTURE_KEY, versions: ['98', '99'], tenantIds: [null]}
    ])
    emu.state.addDefinition({type: 'process', key: 'empty', versions: [], tenants: [null]})
    emu.state.setScope('dst', [
      {definitionType: 'process', definitionKey: 'empty', tenants: [null]}
    ])
    const latest = await importInto(
      emu,
      'dst',
      report({}, {definitions: [{key: 'empty', versions: ['latest'], tenantIds: [null]}]})
    )
    expect((latest.json as JsonObject).errorCode).toBe('importDefinitionDoesNotExist')
  })

  it('9f: scope conflicts → 409 with conflictedItems', async () => {
    const emu = await startWithFixture()
    emu.state.addDefinition({type: 'process', key: 'outside', versions: ['1'], tenants: [null]})
    const def = await importInto(
      emu,
      'dst',
      report({}, {definitions: [{key: 'outside', versions: ['1'], tenantIds: [null]}]})
    )
    expect(def.status).toBe(409)
    expect(def.json).toEqual({
      errorCode: 'nonDefinitionScopeCompliantConflict',
      errorMessage:
        'Could not apply action due to conflicts with the collection data source. The report definition is not defined in the data source.',
      detailedMessage:
        'Could not apply action due to conflicts with the collection data source. The report definition is not defined in the data source.',
      reportDefinition: null,
      conflictedItems: [{id: 'dst', type: 'collection', name: 'Target'}]
    })
    emu.state.setScope('dst', [
      {definitionType: 'process', definitionKey: FIXTURE_KEY, tenants: [null]}
    ])
    const tenant = await importInto(emu, 'dst', report())
    expect(tenant.status).toBe(409)
    expect((tenant.json as JsonObject).errorCode).toBe('nonTenantScopeCompliantConflict')
    expect((tenant.json as JsonObject).conflictedItems).toEqual([
      {id: 'dst', type: 'collection', name: 'Target'}
    ])
  })

  it('9a/11: description "" → importDescriptionInvalid for reports, badRequestError for dashboards', async () => {
    const emu = await startWithFixture()
    const rep = await importInto(emu, 'dst', report({description: ''}))
    expect(rep.status).toBe(400)
    expect((rep.json as JsonObject).errorCode).toBe('importDescriptionInvalid')
    expect((rep.json as JsonObject).errorMessage).toBe(
      'Import failed because the provided description was invalid. Must be null or not greater than 400 characters.'
    )
    const long = await importInto(emu, 'dst', report({description: 'x'.repeat(401)}))
    expect((long.json as JsonObject).errorCode).toBe('importDescriptionInvalid')
    const dash = await importInto(emu, 'dst', [
      ...FIXTURE.slice(0, 8),
      {...FIXTURE[8], description: ''}
    ])
    expect(dash.status).toBe(400)
    expect((dash.json as JsonObject).errorCode).toBe('badRequestError')
    expect(emu.state.listReports('dst')).toHaveLength(0)
  })

  it('step 10: priority mismatch > missing > definition scope > tenant scope > description', async () => {
    const emu = await startWithFixture()
    emu.state.addDefinition({type: 'process', key: 'outside', versions: ['1'], tenants: [null]})
    emu.state.addDefinition({
      type: 'process',
      key: 'tenanted',
      versions: ['1'],
      tenants: [null, 'x']
    })
    const scope = emu.state.collections.get('dst')?.scope ?? []
    emu.state.setScope('dst', [
      ...scope,
      {definitionType: 'process', definitionKey: 'tenanted', tenants: [null]}
    ])
    const id = (n: number): string => `00000000-0000-4000-8000-00000000000${n}`
    const all = [
      report({id: id(1), sourceIndexVersion: 9}),
      report({id: id(2)}, {definitions: [{key: 'nope', versions: ['1'], tenantIds: [null]}]}),
      report({id: id(3)}, {definitions: [{key: 'outside', versions: ['1'], tenantIds: [null]}]}),
      report({id: id(4)}, {definitions: [{key: 'tenanted', versions: ['1'], tenantIds: ['x']}]}),
      report({id: id(5), description: ''})
    ]
    const expected = [
      'importIndexVersionMismatch',
      'importDefinitionDoesNotExist',
      'nonDefinitionScopeCompliantConflict',
      'nonTenantScopeCompliantConflict',
      'importDescriptionInvalid'
    ]
    for (let i = 0; i < all.length; i++) {
      const res = await importInto(emu, 'dst', all.slice(i))
      expect((res.json as JsonObject).errorCode).toBe(expected[i])
    }
    // Per report, the description is checked first: that report reports nothing else.
    const both = await importInto(emu, 'dst', report({description: '', sourceIndexVersion: 3}))
    expect((both.json as JsonObject).errorCode).toBe('importDescriptionInvalid')
    expect(emu.state.listReports('dst')).toHaveLength(0)
  })

  it('a dashboard tile with id null → 500 (NullPointerException)', async () => {
    const emu = await startWithFixture()
    const dashboard = {
      ...FIXTURE[8],
      tiles: [
        {
          id: null,
          position: {x: 0, y: 0},
          dimensions: {width: 1, height: 1},
          type: 'text',
          configuration: null
        }
      ]
    }
    const res = await importInto(emu, 'dst', dashboard)
    expect(res.status).toBe(500)
    expect((res.json as JsonObject).errorCode).toBe('serverError')
  })

  it('importing twice creates two copies (no upsert)', async () => {
    const emu = await startWithFixture()
    await importInto(emu, 'dst', fixtureCopy())
    await importInto(emu, 'dst', fixtureCopy())
    expect(emu.state.listDashboards('dst')).toHaveLength(2)
    expect(emu.state.getDashboard(DASHBOARD_ID)?.collectionId).toBe('src')
  })
})
