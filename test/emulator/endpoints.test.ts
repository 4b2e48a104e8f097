import {describe, expect, it} from 'vitest'
import type {JsonObject} from '../../emulator/index.js'
import {call, DASHBOARD_ID, ERR, FIXTURE, startWithFixture} from './helpers.js'

const DASHBOARD_KEYS = [
  'id',
  'exportEntityType',
  'name',
  'description',
  'sourceIndexVersion',
  'tiles',
  'availableFilters',
  'collectionId',
  'instantPreviewDashboard'
]

describe('listing', () => {
  it('lists ids of a collection; unknown collection → 200 []; missing collectionId → 400', async () => {
    const emu = await startWithFixture()
    const reports = await call(emu, 'GET', '/api/public/report?collectionId=src')
    expect((reports.json as {id: string}[]).map(r => r.id).sort()).toEqual(
      FIXTURE.slice(0, 8)
        .map(r => r.id)
        .sort()
    )
    expect((await call(emu, 'GET', '/api/public/dashboard?collectionId=src')).json).toEqual([
      {id: DASHBOARD_ID}
    ])
    expect((await call(emu, 'GET', '/api/public/report?collectionId=unknown')).json).toEqual([])
    const missing = await call(emu, 'GET', '/api/public/dashboard')
    expect(missing.status).toBe(400)
    expect(missing.json).toEqual({
      errorCode: 'badRequestError',
      errorMessage: ERR.badRequestError,
      detailedMessage: 'Must specify a collection ID for this request.',
      reportDefinition: null
    })
  })
})

describe('definition exports', () => {
  it('exports dashboards with reports first and exactly the export DTO fields', async () => {
    const emu = await startWithFixture()
    emu.state.updateDashboard(DASHBOARD_ID, d => {
      d.refreshRateSeconds = 60
    })
    const res = await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [
      DASHBOARD_ID
    ])
    expect(res.status).toBe(200)
    const body = res.json as JsonObject[]
    expect(body.map(e => e.exportEntityType)).toEqual([
      ...Array<string>(8).fill('single_process_report'),
      'dashboard'
    ])
    expect(Object.keys(body[8])).toEqual(DASHBOARD_KEYS)
    expect(Object.keys(body[0])).toEqual([
      'id',
      'exportEntityType',
      'name',
      'description',
      'sourceIndexVersion',
      'collectionId',
      'data'
    ])
    expect(body[8].collectionId).toBe('src')
    expect((body[0].data as JsonObject).userTaskReport).toBe(false)
  })

  it('404 names the missing ids; a dangling tile → 500', async () => {
    const emu = await startWithFixture()
    const missing = await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [
      DASHBOARD_ID,
      'x1',
      'x2'
    ])
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual({
      errorCode: 'notFoundError',
      errorMessage: ERR.notFoundError,
      detailedMessage: 'Could not find dashboards with IDs [x1, x2]',
      reportDefinition: null
    })
    const reports = await call(emu, 'POST', '/api/public/export/report/definition/json', ['r1'])
    expect((reports.json as JsonObject).detailedMessage).toBe(
      'Could not find reports with IDs [r1]'
    )
    emu.state.removeReport(String(FIXTURE[0].id))
    const dangling = await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [
      DASHBOARD_ID
    ])
    expect(dangling.status).toBe(500)
    expect(dangling.json).toEqual({
      errorCode: 'serverError',
      errorMessage: ERR.serverError,
      detailedMessage: 'Could not retrieve some reports required by this dashboard.',
      reportDefinition: null
    })
  })

  it('a combined report adds its single reports', async () => {
    const emu = await startWithFixture()
    const combined = {
      id: 'c0000000-0000-4000-8000-000000000000',
      exportEntityType: 'combined_report',
      name: 'c',
      description: null,
      sourceIndexVersion: 5,
      data: {
        configuration: {},
        visualization: 'bar',
        reports: [{id: FIXTURE[1].id, color: '#1991c8'}]
      }
    }
    emu.state.putEntity(combined, 'src')
    const res = await call(emu, 'POST', '/api/public/export/report/definition/json', [combined.id])
    expect((res.json as JsonObject[]).map(e => e.id)).toEqual([combined.id, FIXTURE[1].id])
  })

  it('shuffleSeed reorders entities, keys and tiles but not content', async () => {
    const emu = await startWithFixture({shuffleSeed: 42})
    const a = (
      await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [DASHBOARD_ID])
    ).text
    const b = (
      await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [DASHBOARD_ID])
    ).text
    expect(a).not.toBe(b)
    const sortDeep = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortDeep)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([x], [y]) => x.localeCompare(y))
                .map(([k, x]) => [k, sortDeep(x)])
            )
          : v
    const canon = (t: string): string =>
      JSON.stringify(
        (JSON.parse(t) as JsonObject[])
          .map(e =>
            sortDeep({
              ...e,
              tiles: e.tiles
                ? (e.tiles as JsonObject[]).map(x => JSON.stringify(sortDeep(x))).sort()
                : undefined
            })
          )
          .map(x => JSON.stringify(x))
          .sort()
      )
    expect(canon(a)).toBe(canon(b))
    const body = JSON.parse(a) as JsonObject[]
    expect(body.slice(0, 8).every(e => e.exportEntityType !== 'dashboard')).toBe(true)
  })
})

describe('deletes', () => {
  it('deleting a dashboard keeps its reports; deleting a report removes it from tiles and combined reports', async () => {
    const emu = await startWithFixture()
    const combined = {
      id: 'c0000000-0000-4000-8000-000000000000',
      exportEntityType: 'combined_report',
      name: 'c',
      description: null,
      sourceIndexVersion: 5,
      data: {
        configuration: {},
        visualization: 'bar',
        reports: [{id: FIXTURE[1].id, color: '#1991c8'}]
      }
    }
    emu.state.putEntity(combined, 'src')
    const del = await call(emu, 'DELETE', `/api/public/report/${String(FIXTURE[1].id)}`)
    expect(del.status).toBe(204)
    expect(del.text).toBe('')
    expect(
      (emu.state.getDashboard(DASHBOARD_ID)?.tiles as JsonObject[]).some(
        t => t.id === FIXTURE[1].id
      )
    ).toBe(false)
    expect((emu.state.getReport(combined.id)?.data as JsonObject).reports).toEqual([])
    expect((await call(emu, 'DELETE', `/api/public/dashboard/${DASHBOARD_ID}`)).status).toBe(204)
    expect(emu.state.listReports('src')).toHaveLength(8)
    expect((await call(emu, 'DELETE', `/api/public/dashboard/${DASHBOARD_ID}`)).status).toBe(404)
    expect((await call(emu, 'DELETE', '/api/public/report/nope')).status).toBe(404)
  })

  it('system-generated reports cannot be deleted', async () => {
    const emu = await startWithFixture()
    emu.state.updateReport(String(FIXTURE[2].id), r => {
      ;(r.data as JsonObject).managementReport = true
    })
    const res = await call(emu, 'DELETE', `/api/public/report/${String(FIXTURE[2].id)}`)
    expect(res.status).toBe(400)
    expect((res.json as JsonObject).detailedMessage).toBe(
      'System-generated reports cannot be deleted manually'
    )
  })
})

describe('labels and sharing; 8.6+ collections', () => {
  it('validates variable labels', async () => {
    const emu = await startWithFixture()
    const label = {variableName: 'amount', variableType: 'Double', variableLabel: 'Amount (EUR)'}
    const ok = await call(emu, 'POST', '/api/public/variables/labels', {
      definitionKey: 'bookrequest-suspended-instances',
      labels: [label]
    })
    expect(ok.status).toBe(204)
    expect(emu.state.variableLabels['bookrequest-suspended-instances']).toEqual([label])
    const blank = await call(emu, 'POST', '/api/public/variables/labels', {
      definitionKey: ' ',
      labels: []
    })
    expect(blank.status).toBe(400)
    expect(blank.json).toEqual({
      errorMessage: 'The request body was invalid.',
      validationErrors: [{property: 'definitionKey', errorMessage: 'must not be blank'}]
    })
    const dup = await call(emu, 'POST', '/api/public/variables/labels', {
      definitionKey: 'bookrequest-suspended-instances',
      labels: [label, label]
    })
    expect((dup.json as JsonObject).detailedMessage).toBe(
      'Each variable can only have a single label!'
    )
    expect(
      (
        await call(emu, 'POST', '/api/public/variables/labels', {
          definitionKey: 'nope',
          labels: [label]
        })
      ).status
    ).toBe(404)
    await call(emu, 'POST', '/api/public/variables/labels', {
      definitionKey: 'bookrequest-suspended-instances',
      labels: [{...label, variableLabel: ''}]
    })
    expect(emu.state.variableLabels['bookrequest-suspended-instances']).toEqual([])
  })

  it('toggles sharing', async () => {
    const emu = await startWithFixture()
    expect((await call(emu, 'POST', '/api/public/share/enable')).status).toBe(204)
    expect(emu.state.sharingEnabled).toBe(true)
    await call(emu, 'POST', '/api/public/share/disable')
    expect(emu.state.sharingEnabled).toBe(false)
  })

  it('creates, reads, scopes and lists collections', async () => {
    const emu = await startWithFixture()
    const created = await call(emu, 'POST', '/api/public/collection/create', {
      name: 'New',
      ownerId: 'demo'
    })
    const {id} = created.json as {id: string}
    const scope = [{definitionType: 'process', definitionKey: 'k', tenants: [null]}]
    expect((await call(emu, 'PUT', `/api/public/collection/${id}/scope`, scope)).status).toBe(204)
    const got = await call(emu, 'GET', `/api/public/collection/${id}`)
    expect((got.json as JsonObject).name).toBe('New')
    expect(emu.state.collections.get(id)?.scope).toEqual(scope)
    // CollectionWriter.addScopeEntriesToCollection adds: an existing entry gets the union of tenants.
    const more = [
      {definitionType: 'process', definitionKey: 'k', tenants: ['eu']},
      {definitionType: 'decision', definitionKey: 'd', tenants: ['eu']}
    ]
    expect((await call(emu, 'PUT', `/api/public/collection/${id}/scope`, more)).status).toBe(204)
    const scoped = (await call(emu, 'GET', `/api/public/collection/${id}`)).json as {
      owner: string
      data: {scope: unknown[]; roles: {role: string}[]}
    }
    expect(scoped.owner).toBe('demo')
    expect(scoped.data.roles.map(r => r.role)).toEqual(['manager'])
    expect(scoped.data.scope).toEqual([
      {id: 'process:k', definitionType: 'process', definitionKey: 'k', tenants: [null, 'eu']},
      {id: 'decision:d', definitionType: 'decision', definitionKey: 'd', tenants: ['eu']}
    ])
    const ownerless = await call(emu, 'POST', '/api/public/collection/create', {name: 'No owner'})
    expect(ownerless.status).toBe(500)
    expect(
      ((await call(emu, 'GET', '/api/public/collection')).json as JsonObject[]).map(c => c.id)
    ).toContain(id)
    expect((await call(emu, 'GET', '/api/public/collection/nope')).status).toBe(404)
  })
})
