import {describe, expect, it} from 'vitest'
import {decodePage, PageFormatError} from '../../src/data/page-text.js'

const rows = [
  {id: '1', text: 'a "quoted" } ] , value', nested: {list: [1, [2, {x: '\\'}]]}},
  {id: '2', text: 'line\nbreak', emoji: '😀', empty: {}},
  {id: '3', n: -1.5e3, t: true, f: false, z: null}
]

describe('decodePage', () => {
  it('returns the envelope and the exact JSON text of each row', () => {
    const text = JSON.stringify({
      searchRequestId: 'abc',
      numberOfRecordsInResponse: 3,
      totalNumberOfRecords: 11,
      reportId: 'r',
      data: rows
    })
    const page = decodePage(text)
    expect(page).toMatchObject({
      searchRequestId: 'abc',
      numberOfRecordsInResponse: 3,
      totalNumberOfRecords: 11,
      reportId: 'r'
    })
    expect(page.rows).toEqual(rows.map(r => JSON.stringify(r)))
  })

  it('accepts any key order and a pretty-printed body, keeping each row on one line', () => {
    const text = JSON.stringify(
      {data: rows, totalNumberOfRecords: 3, numberOfRecordsInResponse: 3, message: 'm'},
      null,
      2
    )
    const page = decodePage(text)
    expect(page.rows).toEqual(rows.map(r => JSON.stringify(r)))
    expect(page.message).toBe('m')
    expect(page.searchRequestId).toBeUndefined()
  })

  it('reads a number report, an empty one and an empty page', () => {
    expect(
      decodePage('{"numberOfRecordsInResponse":1,"totalNumberOfRecords":1,"data":12.5}')
    ).toMatchObject({value: 12.5, rows: undefined})
    expect(
      decodePage('{"numberOfRecordsInResponse":0,"totalNumberOfRecords":0}').value
    ).toBeUndefined()
    expect(
      decodePage(
        '{"searchRequestId":"x","numberOfRecordsInResponse":0,"totalNumberOfRecords":5,"data":[]}'
      ).rows
    ).toEqual([])
  })

  it('refuses every truncation of a page', () => {
    const text = JSON.stringify({
      searchRequestId: 'abc',
      numberOfRecordsInResponse: 3,
      totalNumberOfRecords: 3,
      data: rows
    })
    for (let cut = 0; cut < text.length; cut++) {
      expect(() => decodePage(text.slice(0, cut)), `cut at ${cut}`).toThrow(PageFormatError)
    }
  })

  it('refuses an envelope without counts and trailing garbage', () => {
    expect(() => decodePage('{"data":[]}')).toThrow(/numberOfRecordsInResponse/)
    expect(() => decodePage('{"numberOfRecordsInResponse":0,"totalNumberOfRecords":0} x')).toThrow(
      PageFormatError
    )
    expect(() => decodePage('[1,2]')).toThrow(PageFormatError)
  })
})
