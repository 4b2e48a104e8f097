import {describe, expect, it} from 'vitest'
import type {JsonObject} from '../../emulator/index.js'
import {call, DASHBOARD_ID, FIXTURE, importInto, start, startWithFixture} from './helpers.js'

describe('profiles: Spring void status, ≤ 3.7 auth (index versions per line: defects-lines.test.ts)', () => {
  it('8.7: void calls answer 200 with an empty body', async () => {
    const emu = await startWithFixture({profile: '8.7'})
    const res = await call(emu, 'DELETE', `/api/public/dashboard/${DASHBOARD_ID}`)
    expect(res.status).toBe(200)
    expect(res.text).toBe('')
  })

  it('3.7: query-parameter token, header without Bearer, import answers [{id}] only, no collection endpoints', async () => {
    const emu = await startWithFixture({profile: '3.7'})
    const query = await fetch(
      `${emu.url}/api/public/report?collectionId=src&access_token=${emu.token}`
    )
    expect(query.status).toBe(200)
    const raw = await call(emu, 'GET', '/api/public/report?collectionId=src', undefined, {
      authorization: emu.token
    })
    expect(raw.status).toBe(200)
    const body = (
      await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [DASHBOARD_ID])
    ).json
    const imported = await importInto(emu, 'dst', body)
    expect(imported.status).toBe(200)
    for (const item of imported.json as JsonObject[]) expect(Object.keys(item)).toEqual(['id'])
    expect((await call(emu, 'GET', '/api/public/collection')).status).toBe(404)
  })
})

describe('faults', () => {
  it('status rules with skip/times, delay-only rules, 429 Retry-After', async () => {
    const emu = await start()
    emu.faults.add({route: 'listReports', skip: 1, times: 2, status: 503, body: ''})
    const statuses: number[] = []
    for (let i = 0; i < 4; i++)
      statuses.push((await call(emu, 'GET', '/api/public/report?collectionId=c')).status)
    expect(statuses).toEqual([200, 503, 503, 200])
    emu.faults.retryAfter('listDashboards', 3)
    const limited = await call(emu, 'GET', '/api/public/dashboard?collectionId=c')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3')
    emu.faults.add({route: 'readyz', delayMs: 150})
    const t0 = Date.now()
    expect((await fetch(`${emu.url}/api/readyz`)).status).toBe(200)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140)
    expect(emu.requests.count('listReports')).toBe(4)
    expect(emu.requests.all()[1]).toMatchObject({
      method: 'GET',
      route: 'listReports',
      status: 503,
      query: {collectionId: 'c'}
    })
  })

  it('reset destroys the socket; truncate sends half a body', async () => {
    const emu = await startWithFixture()
    emu.faults.add({route: 'exportDashboards', reset: true})
    await expect(
      call(emu, 'POST', '/api/public/export/dashboard/definition/json', [DASHBOARD_ID])
    ).rejects.toThrow()
    emu.faults.add({route: 'exportDashboards', truncate: true})
    const res = await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [
      DASHBOARD_ID
    ])
    expect(res.status).toBe(200)
    expect(res.json).toBeUndefined()
    expect(res.text.length).toBeGreaterThan(1000)
    emu.faults.clear()
    expect(
      (await call(emu, 'POST', '/api/public/export/dashboard/definition/json', [DASHBOARD_ID])).json
    ).toHaveLength(9)
  })

  it('failImportWrite(k) leaves the first k-1 writes stored and answers 500', async () => {
    const emu = await startWithFixture()
    emu.faults.failImportWrite(4)
    const res = await importInto(emu, 'dst', FIXTURE)
    expect(res.status).toBe(500)
    expect((res.json as JsonObject).errorCode).toBe('serverError')
    expect(emu.state.listReports('dst')).toHaveLength(3)
    expect(emu.state.listDashboards('dst')).toHaveLength(0)
    expect((await importInto(emu, 'dst', FIXTURE)).status).toBe(200)
  })
})

describe('state API', () => {
  it('generate() is deterministic and its output round-trips through export and import', async () => {
    const a = await start({idSeed: 5})
    const b = await start({idSeed: 5})
    const ga = a.state.generate({
      collectionId: 'gen',
      dashboards: 6,
      reportsPerDashboard: 5,
      seed: 9,
      xmlBytes: 2000
    })
    const gb = b.state.generate({
      collectionId: 'gen',
      dashboards: 6,
      reportsPerDashboard: 5,
      seed: 9,
      xmlBytes: 2000
    })
    expect(ga).toEqual(gb)
    const exported = await call(
      a,
      'POST',
      '/api/public/export/dashboard/definition/json',
      ga.dashboardIds
    )
    expect(exported.status).toBe(200)
    const entities = exported.json as JsonObject[]
    expect(entities.some(e => JSON.stringify(e).includes('"rawData"'))).toBe(true)
    const scope = a.state.collections.get('gen')?.scope
    a.state.addCollection({id: 'copy', name: 'Copy', scope})
    const imported = await importInto(a, 'copy', entities)
    expect(imported.status).toBe(200)
    expect((imported.json as JsonObject[]).filter(i => i.entityType === 'dashboard')).toHaveLength(
      6
    )
  })
})
