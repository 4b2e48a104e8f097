// Conformance with PublicApiReportExportIT (camunda/camunda optimize/backend/src/it/java/io/
// camunda/optimize/rest/pub/PublicApiReportExportIT.java.out @
// 89cc0dbb37fb438dc26956dcb946ed03f2d98055, the C7 IT kept commented out, "TODO recreate C8 IT
// equivalent of this with #13337"). Each test names the IT method it mirrors; JAX-RS statuses.
import {describe, expect, it} from 'vitest'
import type {Emulator, JsonObject} from '../../emulator/index.js'
import {call, FIXTURE, startWithFixture} from './helpers.js'

interface Page {
  searchRequestId?: string
  numberOfRecordsInResponse: number
  totalNumberOfRecords: number
  reportId: string
  data: unknown
  message?: string
}
const RAW = 'aaaaaaaa-0000-4000-8000-0000000000ff'
const path = (id: string, query = '') => `/api/public/export/report/${id}/result/json${query}`
const page = async (emu: Emulator, id: string, query = '') =>
  (await call(emu, 'GET', path(id, query))).json as Page
const firstInstance = (p: Page) => ((p.data as JsonObject[])[0] ?? {}).processInstanceId

async function withRaw(rows: number): Promise<Emulator> {
  const emu = await startWithFixture()
  const base = structuredClone(FIXTURE[1])
  const data = {...(base.data as JsonObject), view: {entity: null, properties: ['rawData']}}
  emu.state.putEntity({...base, id: RAW, data: {...data, visualization: 'table'}}, 'src')
  emu.state.setRawData(RAW, {rows})
  return emu
}

describe('PublicApiReportExportIT', () => {
  it('rawDataReportExportResultInOnePage', async () => {
    const emu = await withRaw(10)
    const data = await page(emu, RAW, '?limit=10')
    expect(data.numberOfRecordsInResponse).toBe(10)
    expect(data.totalNumberOfRecords).toBe(10)
    expect(data.searchRequestId).toBeTruthy()
    expect(data.message).toBeUndefined()
    expect(data.reportId).toBe(RAW)
  })

  it('rawDataReportExportResultInSeveralPages', async () => {
    const emu = await withRaw(11)
    const page1 = await page(emu, RAW, '?limit=5')
    const page2 = await page(emu, RAW, `?searchRequestId=${page1.searchRequestId}`)
    const page3 = await page(emu, RAW, `?searchRequestId=${page2.searchRequestId}`)
    for (const p of [page1, page2, page3]) {
      expect(p.totalNumberOfRecords).toBe(11)
      expect(p.searchRequestId).toBeTruthy()
      expect(p.message).toBeUndefined()
      expect(p.reportId).toBe(RAW)
    }
    expect([page1, page2].map(p => p.numberOfRecordsInResponse)).toEqual([5, 5])
    expect(page3.numberOfRecordsInResponse).toBeLessThan(5)
    const firsts = new Set([page1, page2, page3].map(firstInstance))
    expect(firsts.size).toBe(3)
  })

  it('rawDataExportPaginatingWithInvalidScrollId → 500', async () => {
    const emu = await withRaw(2)
    const res = await call(emu, 'GET', path(RAW, '?limit=2&searchRequestId=NoSoupForYou!'))
    expect(res.status).toBe(500)
  })

  it('rawDataExportPaginatingWithExpiredScrollId → 400', async () => {
    const emu = await withRaw(3)
    emu.faults.expireScrollAfterPages(1)
    const page1 = await page(emu, RAW, '?limit=1')
    expect(page1.searchRequestId).toBeTruthy()
    const res = await call(emu, 'GET', path(RAW, `?searchRequestId=${page1.searchRequestId}`))
    expect(res.status).toBe(400)
  })

  it('rawDataExportPaginatingWhenResultsExhausted', async () => {
    const emu = await withRaw(10)
    const data = await page(emu, RAW, '?limit=30')
    expect(data.numberOfRecordsInResponse).toBe(10)
    expect(data.totalNumberOfRecords).toBe(10)
    const page2 = await page(emu, RAW, `?searchRequestId=${data.searchRequestId}`)
    expect(page2.totalNumberOfRecords).toBe(10)
    expect(page2.numberOfRecordsInResponse).toBe(0)
  })

  it('numberReportExportWorks', async () => {
    const emu = await startWithFixture()
    const data = await page(emu, String(FIXTURE[1].id), '?limit=5')
    expect([data.numberOfRecordsInResponse, data.totalNumberOfRecords]).toEqual([1, 1])
    expect(data.searchRequestId).toBeUndefined()
    expect(data.message).toBeUndefined()
    expect(typeof data.data).toBe('number')
  })

  it('exportNonExistingReportResult → 404', async () => {
    const emu = await startWithFixture()
    expect((await call(emu, 'GET', path('IWishIExisted_ButIDont'))).status).toBe(404)
  })
})
