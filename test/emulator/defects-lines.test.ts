// Optimize lines and their limits: index versions and dashboard shape per line, the 1,000 cap of
// the collection listings and of the dashboard export (sources: emulator/README.md, "Profiles").
import {describe, expect, it} from 'vitest'
import {
  LIST_FETCH_LIMIT,
  resolveProfile,
  type JsonObject,
  type Profile
} from '../../emulator/index.js'
import {
  call,
  DASHBOARD_ID,
  FIXTURE,
  importInto,
  report,
  start,
  startWithFixture
} from './helpers.js'

const exportDashboard = async (profile: Profile): Promise<JsonObject[]> => {
  const emu = await startWithFixture({profile})
  const res = await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [
    DASHBOARD_ID
  ])
  expect(res.status).toBe(200)
  const body = res.json as JsonObject[]
  expect((await importInto(emu, 'dst', body)).status).toBe(200) // each line reads its own export
  return body
}

describe('index versions and dashboard shape per line', () => {
  const lines: [Profile, number[], 'reports' | 'tiles', boolean][] = [
    // process, decision, combined, dashboard; dashboard field; descriptions
    ['3.9', [9, 9, 4, 6], 'reports', false], // AbstractUpgrade310IT: *IndexV9, DashboardIndexV6
    ['3.10', [10, 9, 4, 7], 'tiles', false], // AbstractUpgrade311IT: V10/V9/V4/V7
    ['3.11-3.14', [11, 10, 5, 8], 'tiles', true], // Upgrade310To311PlanFactory adds description
    ['8.6-8.8-patched', [11, 10, 5, 8], 'tiles', true],
    ['latest', [11, 10, 5, 8], 'tiles', true] // DashboardIndex.VERSION = 8 @ 0db4b237
  ]
  it.each(lines)('%s exports v%j with `%s`', async (profile, versions, field, descriptions) => {
    expect(Object.values(resolveProfile(profile).versions)).toEqual(versions)
    const body = await exportDashboard(profile)
    const dashboard = body[8]
    expect(dashboard.sourceIndexVersion).toBe(versions[3])
    expect(body[0].sourceIndexVersion).toBe(versions[0])
    expect(Array.isArray(dashboard[field])).toBe(true)
    expect(field === 'tiles' ? dashboard.reports : dashboard.tiles).toBeUndefined()
    const items = dashboard[field] as JsonObject[]
    // Upgrade39To310PlanFactory gives every former `reports` item a tile `type`.
    expect(items.every(t => 'type' in t)).toBe(field === 'tiles')
    expect('description' in dashboard && 'description' in body[0]).toBe(descriptions)
  })

  it('3.10 refuses a 3.9 file (no `tiles`) and 3.9 a current one (no `reports`)', async () => {
    const legacy = await exportDashboard('3.9')
    const emu310 = await startWithFixture({profile: '3.10'})
    const res = await importInto(emu310, 'dst', legacy)
    expect((res.json as JsonObject).detailedMessage).toBe(
      'Could not import entities because the provided file contains invalid OptimizeExportDtos. Errors: tiles must not be null'
    )
    const emu39 = await startWithFixture({profile: '3.9'})
    const current = await importInto(emu39, 'dst', FIXTURE)
    expect((current.json as JsonObject).detailedMessage).toContain(
      'Errors: reports must not be null'
    )
  })

  it('old profile names still work as aliases', () => {
    expect(resolveProfile('8.x').name).toBe('8.6-jaxrs')
    expect(resolveProfile('8.7').name).toBe('8.6-8.8-patched')
    expect(() => resolveProfile('9.9')).toThrow(/unknown profile 9.9/)
  })
})

describe('LIST_FETCH_LIMIT: collection listings stop at 1,000 (ReportReaderES/DashboardReaderES)', () => {
  it.each(['3.9', '8.6-jaxrs', '8.6-8.8-patched', 'latest'] as Profile[])(
    '%s lists 1,000 of 1,001 reports and dashboards, without paging or notice',
    async profile => {
      const emu = await start({profile})
      emu.state.addCollection({id: 'big', name: 'Big'})
      for (let i = 0; i < 1001; i++) {
        emu.state.putEntity({...report(), id: `r-${i}`}, 'big')
        emu.state.putEntity({...FIXTURE[8], id: `d-${i}`, tiles: [], availableFilters: []}, 'big')
      }
      for (const kind of ['report', 'dashboard']) {
        const res = await call(emu, 'GET', `/api/public/${kind}?collectionId=big`)
        expect(res.status).toBe(200)
        expect(res.json as unknown[]).toHaveLength(LIST_FETCH_LIMIT)
        expect(res.headers.get('link')).toBeNull()
      }
    }
  )

  it('the report listing leaves out management and instant-preview reports', async () => {
    const emu = await start()
    emu.state.addCollection({id: 'c', name: 'C'})
    emu.state.putEntity({...report(), id: 'plain'}, 'c')
    emu.state.putEntity({...report({}, {managementReport: true}), id: 'management'}, 'c')
    emu.state.putEntity({...report({}, {instantPreviewReport: true}), id: 'preview'}, 'c')
    const res = await call(emu, 'GET', '/api/public/report?collectionId=c')
    expect(res.json).toEqual([{id: 'plain'}])
  })

  it('exporting more than 1,000 dashboards at once → 404 for the ids beyond the first 1,000', async () => {
    const emu = await start()
    emu.state.addCollection({id: 'big', name: 'Big'})
    const ids = Array.from({length: 1002}, (_, i) => `d-${i}`)
    for (const id of ids)
      emu.state.putEntity({...FIXTURE[8], id, tiles: [], availableFilters: []}, 'big')
    const res = await call(emu, 'POST', '/api/public/export/dashboard/definition/json', ids)
    expect(res.status).toBe(404)
    expect((res.json as JsonObject).detailedMessage).toBe(
      'Could not find dashboards with IDs [d-1000, d-1001]'
    )
    const first = await call(
      emu,
      'POST',
      '/api/public/export/dashboard/definition/json',
      ids.slice(0, 1000)
    )
    expect(first.json as unknown[]).toHaveLength(1000)
  })
})
