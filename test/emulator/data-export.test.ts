import {describe, expect, it} from 'vitest'
import type {Emulator, JsonObject} from '../../emulator/index.js'
import {call, ERR, FIXTURE, start, startWithFixture} from './helpers.js'

interface Page {
  searchRequestId?: string
  numberOfRecordsInResponse: number
  totalNumberOfRecords: number
  reportId: string
  data: JsonObject[]
  message?: string
}

const RAW = 'aaaaaaaa-0000-4000-8000-000000000001'
const exportPath = (id: string, query = ''): string =>
  `/api/public/export/report/${id}/result/json${query}`
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/

async function withRaw(rows: number, options = {}): Promise<Emulator> {
  const emu = await startWithFixture(options)
  const base = structuredClone(FIXTURE[1])
  emu.state.putEntity(
    {
      ...base,
      id: RAW,
      data: {
        ...(base.data as JsonObject),
        view: {entity: null, properties: ['rawData']},
        groupBy: {type: 'none', value: null},
        visualization: 'table'
      }
    },
    'src'
  )
  emu.state.setRawData(RAW, {rows, seed: 7})
  return emu
}

describe('raw data pagination', () => {
  it('pages with a scroll id until data is empty; rows are deterministic and C7-shaped', async () => {
    const emu = await withRaw(25)
    const first = (await call(emu, 'GET', exportPath(RAW, '?limit=10'))).json as Page
    expect(first).toMatchObject({
      numberOfRecordsInResponse: 10,
      totalNumberOfRecords: 25,
      reportId: RAW
    })
    expect(first.message).toBeUndefined()
    const row = first.data[0]
    expect(Object.keys(row)).toEqual([
      'processDefinitionKey',
      'processDefinitionId',
      'processInstanceId',
      'businessKey',
      'startDate',
      'endDate',
      'duration',
      'engineName',
      'tenantId',
      'variables'
    ])
    expect(row.startDate).toMatch(DATE)
    expect(
      new Set(first.data.map(r => Object.keys(r.variables as JsonObject).join())).size
    ).toBeGreaterThan(1)
    let id = String(first.searchRequestId)
    const seen = [...first.data]
    for (;;) {
      const page = (await call(emu, 'GET', exportPath(RAW, `?searchRequestId=${id}&limit=3`)))
        .json as Page
      if (page.numberOfRecordsInResponse === 0) {
        expect(page.data).toEqual([])
        break
      }
      expect(page.numberOfRecordsInResponse).toBeLessThanOrEqual(10) // limit only counts on page 1
      seen.push(...page.data)
      id = String(page.searchRequestId)
    }
    expect(seen).toHaveLength(25)
    expect(new Set(seen.map(r => r.processInstanceId)).size).toBe(25)
    const again = (await call(emu, 'GET', exportPath(RAW, '?limit=10'))).json as Page
    expect(again.data).toEqual(first.data)
  })

  it('validates limit and paginationTimeout', async () => {
    const emu = await withRaw(5)
    for (const query of ['?limit=10001', '?limit=-1', '?paginationTimeout=59']) {
      const res = await call(emu, 'GET', exportPath(RAW, query))
      expect(res.status).toBe(400)
      expect((res.json as JsonObject).errorCode).toBe('badRequestError')
    }
    expect(
      (await call(emu, 'GET', exportPath(RAW, '?limit=10000&paginationTimeout=60'))).status
    ).toBe(200)
    const defaults = (await call(emu, 'GET', exportPath(RAW))).json as Page
    expect(defaults.numberOfRecordsInResponse).toBe(5)
  })

  it('expired scroll → 400 search_context_missing_exception; garbage id → 500', async () => {
    const emu = await withRaw(100)
    emu.faults.expireScrollAfterPages(2)
    const first = (await call(emu, 'GET', exportPath(RAW, '?limit=10'))).json as Page
    const id = String(first.searchRequestId)
    expect((await call(emu, 'GET', exportPath(RAW, `?searchRequestId=${id}`))).status).toBe(200)
    const expired = await call(emu, 'GET', exportPath(RAW, `?searchRequestId=${id}`))
    expect(expired.status).toBe(400)
    expect((expired.json as JsonObject).detailedMessage).toContain('No search context found')
    expect((expired.json as JsonObject).detailedMessage).toContain(
      'search_context_missing_exception'
    )
    const garbage = await call(emu, 'GET', exportPath(RAW, '?searchRequestId=garbage'))
    expect(garbage.status).toBe(500)
    expect((garbage.json as JsonObject).errorMessage).toBe(ERR.serverError)
  })

  it('rotateSearchRequestId: each page has a new id and the old one stops working', async () => {
    const emu = await withRaw(30)
    emu.faults.rotateSearchRequestId(true)
    const first = (await call(emu, 'GET', exportPath(RAW, '?limit=10'))).json as Page
    const second = (
      await call(emu, 'GET', exportPath(RAW, `?searchRequestId=${String(first.searchRequestId)}`))
    ).json as Page
    expect(second.searchRequestId).not.toBe(first.searchRequestId)
    expect(second.data[0].processInstanceId).not.toBe(first.data[0].processInstanceId)
    const stale = await call(
      emu,
      'GET',
      exportPath(RAW, `?searchRequestId=${String(first.searchRequestId)}`)
    )
    expect(stale.status).toBe(400)
  })

  it('serves 1,000,000 rows without holding them (last page only)', async () => {
    const emu = await withRaw(1_000_000)
    const first = (await call(emu, 'GET', exportPath(RAW, '?limit=10000'))).json as Page
    expect(first.totalNumberOfRecords).toBe(1_000_000)
    expect(first.data).toHaveLength(10000)
  })
})

describe('non-raw, combined and unknown reports', () => {
  it('number and map reports answer in one response without searchRequestId', async () => {
    const emu = await startWithFixture()
    const number = (await call(emu, 'GET', exportPath(String(FIXTURE[1].id)))).json as Page
    expect(number.searchRequestId).toBeUndefined()
    expect(typeof number.data).toBe('number')
    expect(number).toMatchObject({numberOfRecordsInResponse: 1, totalNumberOfRecords: 1})
    const map = (await call(emu, 'GET', exportPath(String(FIXTURE[2].id), '?limit=1'))).json as Page
    expect(Object.keys(map.data[0])).toEqual(['key', 'value', 'label'])
    expect(map.numberOfRecordsInResponse).toBe(map.data.length)
    expect(map.message).toBe(
      'All records are delivered in this response regardless of the set limit, since result pagination is only supported for raw data reports.'
    )
    const full = (await call(emu, 'GET', exportPath(String(FIXTURE[2].id)))).json as Page
    expect(full.message).toBeUndefined()
  })

  it('hyper-map for distributed reports', async () => {
    const emu = await startWithFixture()
    emu.state.updateReport(String(FIXTURE[2].id), r => {
      ;(r.data as JsonObject).distributedBy = {
        type: 'variable',
        value: {name: 'region', type: 'String'}
      }
    })
    const res = (await call(emu, 'GET', exportPath(String(FIXTURE[2].id)))).json as Page
    expect(Array.isArray(res.data[0].value)).toBe(true)
  })

  it('combined → 400, unknown → 404 (8.x); both 500 in the 8.7 Spring profile', async () => {
    for (const [profile, combinedStatus, unknownStatus] of [
      ['8.x', 400, 404],
      ['8.7', 500, 500]
    ] as const) {
      const emu = await start({profile})
      emu.state.putEntity(
        {
          id: 'c1',
          exportEntityType: 'combined_report',
          name: 'c',
          description: null,
          sourceIndexVersion: 5,
          data: {configuration: {}, visualization: 'bar', reports: []}
        },
        'x'
      )
      const combined = await call(emu, 'GET', exportPath('c1'))
      expect(combined.status).toBe(combinedStatus)
      expect((combined.json as JsonObject).detailedMessage).toBe(
        'Combined reports cannot be exported as Json'
      )
      expect((await call(emu, 'GET', exportPath('nope'))).status).toBe(unknownStatus)
    }
  })
})
