import {readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {FileSink} from '../../src/data/file-sink.js'
import {PageDecoder, PageFormatError, type DecodedPage} from '../../src/data/page-stream.js'
import {FIXTURE_DIR} from '../helpers/fixtures.js'
import {workspace} from './helpers.js'

const rows = [
  {id: '1', text: 'a "quoted" } ] , value \\', nested: {list: [1, [2, {x: '\\"'}]]}},
  {id: '2', text: 'line\nbreak', emoji: '😀 é', empty: {}, arr: []},
  {id: '3', n: -1.5e3, t: true, f: false, z: null}
]
const lines = rows.map(r => `${JSON.stringify(r)}\n`).join('')

/** Feeds `text` to a decoder in the given chunks; returns the page and the lines written. */
function decode(text: string, cuts: number[] = []): {page: DecodedPage; out: string} {
  const bytes = Buffer.from(text, 'utf8')
  const parts: Buffer[] = []
  const decoder = new PageDecoder({
    append: (chunk, start, end) => parts.push(Buffer.from(chunk.subarray(start, end)))
  })
  let from = 0
  for (const cut of [...cuts, bytes.length]) {
    decoder.push(bytes.subarray(from, cut))
    from = cut
  }
  return {page: decoder.end(), out: Buffer.concat(parts).toString('utf8')}
}

const page = JSON.stringify({
  searchRequestId: 'abc',
  numberOfRecordsInResponse: 3,
  totalNumberOfRecords: 11,
  reportId: 'r',
  data: rows
})

describe('PageDecoder', () => {
  it('returns the envelope and writes the exact bytes of each row as one line', () => {
    const {page: decoded, out} = decode(page)
    expect(decoded).toEqual({
      searchRequestId: 'abc',
      numberOfRecordsInResponse: 3,
      totalNumberOfRecords: 11,
      reportId: 'r',
      message: undefined,
      rows: 3,
      value: undefined
    })
    expect(out).toBe(lines)
  })

  it('gives the same result however the body is cut into chunks, even inside a character or an escape', () => {
    const length = Buffer.byteLength(page)
    for (let cut = 0; cut <= length; cut++) {
      const {page: decoded, out} = decode(page, [cut])
      expect(out, `cut at ${cut}`).toBe(lines)
      expect(decoded.rows).toBe(3)
    }
    // One byte at a time.
    expect(
      decode(
        page,
        Array.from({length}, (_, i) => i)
      ).out
    ).toBe(lines)
  })

  it('accepts any key order and a pretty-printed body, keeping each row on one line', () => {
    const text = JSON.stringify(
      {data: rows, totalNumberOfRecords: 3, numberOfRecordsInResponse: 3, message: 'm'},
      null,
      2
    )
    const {page: decoded, out} = decode(text, [7, 100, 101, 250])
    expect(out).toBe(lines)
    expect(decoded.message).toBe('m')
    expect(decoded.searchRequestId).toBeUndefined()
  })

  it('reads the documented pages', async () => {
    for (const name of ['raw-data-export-page1.docs.json', 'raw-data-export-page2.docs.json']) {
      const body = await readFile(path.join(FIXTURE_DIR, name))
      const expected = JSON.parse(body.toString('utf8')) as {data: unknown[]} & Record<
        string,
        unknown
      >
      let out = ''
      const decoder = new PageDecoder({
        append: (chunk, start, end) => (out += Buffer.from(chunk.subarray(start, end)).toString())
      })
      decoder.push(body)
      const page = decoder.end()
      expect(out).toBe(expected.data.map(row => `${JSON.stringify(row)}\n`).join(''))
      expect(page.rows).toBe(expected.numberOfRecordsInResponse)
      expect(page.searchRequestId).toBe(expected.searchRequestId)
      expect(page.totalNumberOfRecords).toBe(expected.totalNumberOfRecords)
    }
  })

  it('keeps an envelope array that is not data, and bare values as rows', () => {
    const text =
      '{"other":[1,{"data":[9]}],"numberOfRecordsInResponse":4,"totalNumberOfRecords":4,"data":[1, "a,]", true ,{"k":[]}]}'
    const {page: decoded, out} = decode(text)
    expect(out).toBe('1\n"a,]"\ntrue\n{"k":[]}\n')
    expect(decoded.rows).toBe(4)
  })

  it('reads a number report, an empty one and an empty page', () => {
    expect(
      decode('{"numberOfRecordsInResponse":1,"totalNumberOfRecords":1,"data":12.5}').page
    ).toMatchObject({value: 12.5, rows: undefined})
    expect(
      decode('{"numberOfRecordsInResponse":0,"totalNumberOfRecords":0}').page.value
    ).toBeUndefined()
    const empty = decode(
      '{"searchRequestId":"x","numberOfRecordsInResponse":0,"totalNumberOfRecords":5,"data":[ ]}'
    )
    expect(empty.page.rows).toBe(0)
    expect(empty.out).toBe('')
  })

  it('refuses every truncation of a page', () => {
    const length = Buffer.byteLength(page)
    for (let cut = 0; cut < length; cut++) {
      const bytes = Buffer.from(page).subarray(0, cut)
      const decoder = new PageDecoder({append: () => undefined})
      expect(() => {
        decoder.push(bytes)
        decoder.end()
      }, `cut at ${cut}`).toThrow(PageFormatError)
    }
  })

  it('refuses an envelope without counts, trailing garbage, a non-object and broken arrays', () => {
    expect(() => decode('{"data":[]}')).toThrow(/numberOfRecordsInResponse/)
    expect(() => decode('{"numberOfRecordsInResponse":0,"totalNumberOfRecords":0} x')).toThrow(
      PageFormatError
    )
    expect(() => decode('[1,2]')).toThrow(PageFormatError)
    expect(() => decode('x{}')).toThrow(PageFormatError)
    const envelope = '"numberOfRecordsInResponse":2,"totalNumberOfRecords":2'
    for (const data of ['[1,,2]', '[1 2]', '[1,2,]', '[,1]', '[{}}]']) {
      expect(() => decode(`{${envelope},"data":${data}}`), data).toThrow(PageFormatError)
    }
  })
})

describe('FileSink', () => {
  it('takes the file and its hash back to a mark', async () => {
    const dir = await workspace()
    const bytes = (text: string): Buffer => Buffer.from(text, 'utf8')
    const sink = await FileSink.open(path.join(dir, 'a.partial'))
    sink.appendText('first\n')
    const mark = await sink.mark()
    const big = bytes('x'.repeat(3 << 20))
    sink.append(big, 0, big.length)
    await sink.flushIfFull()
    expect(sink.bytes).toBe(6 + (3 << 20))
    await sink.rollback(mark)
    sink.appendText('second\n')
    const sha = await sink.commit(path.join(dir, 'a.ndjson'))

    const other = await FileSink.open(path.join(dir, 'b.partial'))
    await other.write('first\nsecond\n')
    expect(sha).toBe(await other.commit(path.join(dir, 'b.ndjson')))
    expect(await readFile(path.join(dir, 'a.ndjson'), 'utf8')).toBe('first\nsecond\n')
  })
})
