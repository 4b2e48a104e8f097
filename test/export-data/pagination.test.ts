import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {runExportData} from '../../src/export-data.js'
import {
  addRawReport,
  clientFor,
  emulator,
  expectedIds,
  filesIn,
  instanceIds,
  SCROLL_GONE_BODY,
  settingsFor,
  testIo,
  workspace
} from './helpers.js'

describe('export-data pagination (optimize-api.md §5.3)', () => {
  it('writes every record once when the total is not a multiple of the limit, stopping at the total', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addRawReport(emu, 2503)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '1000'}, io)

    const result = await runExportData(settings, io, clientFor(settings, io))

    const file = path.join(settings.data.output, `${id}.ndjson`)
    expect(await instanceIds(file)).toEqual(expectedIds(2503))
    expect(result.outputs.records).toBe('2503')
    // 1000 + 1000 + 503 reaches the total: no fourth, empty page is asked for.
    expect(emu.requests.count('exportResult')).toBe(3)
    const queries = emu.requests.all().map(r => r.query)
    expect(queries[0]).toEqual({limit: '1000', paginationTimeout: '120'})
    expect(queries[1].searchRequestId).toMatch(/^FGluY2/)
  })

  it('writes an empty file for a report without records', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addRawReport(emu, 0)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id}, io)

    const result = await runExportData(settings, io, clientFor(settings, io))

    expect(await instanceIds(path.join(settings.data.output, `${id}.ndjson`))).toEqual([])
    expect(result.outputs.records).toBe('0')
    expect(emu.requests.count('exportResult')).toBe(1)
  })

  it('sends the searchRequestId of the most recent response when Optimize rotates it', async () => {
    const emu = await emulator()
    emu.faults.rotateSearchRequestId(true)
    const dir = await workspace()
    const id = addRawReport(emu, 950)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '100'}, io)

    await runExportData(settings, io, clientFor(settings, io))

    expect(await instanceIds(path.join(settings.data.output, `${id}.ndjson`))).toEqual(
      expectedIds(950)
    )
    // The emulator forgets a rotated id: reusing one would have failed and restarted.
    expect(io.warnings).toEqual([])
    const ids = emu.requests.all().map(r => r.query.searchRequestId)
    expect(ids).toHaveLength(10)
    expect(new Set(ids.slice(1)).size).toBe(9)
  })

  it('restarts a report once when its scroll expires in the middle, without duplicates', async () => {
    const emu = await emulator()
    emu.faults.add({route: 'exportResult', skip: 3, status: 400, body: SCROLL_GONE_BODY})
    const dir = await workspace()
    const id = addRawReport(emu, 1000)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '150'}, io)

    const result = await runExportData(settings, io, clientFor(settings, io))

    expect(await instanceIds(path.join(settings.data.output, `${id}.ndjson`))).toEqual(
      expectedIds(1000)
    )
    expect(result.outputs.records).toBe('1000')
    expect(io.warnings).toHaveLength(1)
    expect(io.warnings[0]).toMatch(/scroll expired.*starting this report over/)
    // 3 pages, the refused 4th, then all 7 pages again.
    expect(emu.requests.count('exportResult')).toBe(11)
  })

  it('recognizes the 500 an 8.7+ Optimize answers for an expired scroll (CSV: no temporary file left)', async () => {
    const emu = await emulator({profile: '8.7'})
    emu.faults.expireScrollAfterPages(2)
    const dir = await workspace()
    const id = addRawReport(emu, 500)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '100', format: 'csv'}, io)

    const failure = runExportData(settings, io, clientFor(settings, io))

    await expect(failure).rejects.toThrow(
      new RegExp(`Report ${id}: the scroll expired.*again after starting over.*pagination-timeout`)
    )
    expect(emu.requests.all().filter(r => r.status === 500)).toHaveLength(2)
    expect(await filesIn(settings.data.output)).toEqual(['manifest.json'])
  })

  it('fails clearly and leaves no file when the scroll expires again after the restart', async () => {
    const emu = await emulator()
    emu.faults.expireScrollAfterPages(3)
    const dir = await workspace()
    const id = addRawReport(emu, 1000)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '100'}, io)

    await expect(runExportData(settings, io, clientFor(settings, io))).rejects.toThrow(
      /scroll expired.*again after starting over from the first page; giving up/
    )
    expect(await filesIn(settings.data.output)).toEqual(['manifest.json'])
    expect(io.warnings).toHaveLength(1)
  })

  it('lets the client retry a connection dropped in the middle', async () => {
    const emu = await emulator()
    emu.faults.add({route: 'exportResult', skip: 2, reset: true})
    const dir = await workspace()
    const id = addRawReport(emu, 700)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '100'}, io)

    await runExportData(settings, io, clientFor(settings, io))

    expect(await instanceIds(path.join(settings.data.output, `${id}.ndjson`))).toEqual(
      expectedIds(700)
    )
    expect(io.infos.some(line => /network error.*trying again/.test(line))).toBe(true)
    expect(emu.requests.count('exportResult')).toBe(8)
    expect(io.warnings).toEqual([])
  })

  it('retries a truncated first page', async () => {
    const emu = await emulator()
    emu.faults.add({route: 'exportResult', truncate: true})
    const dir = await workspace()
    const id = addRawReport(emu, 250)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '100'}, io)

    await runExportData(settings, io, clientFor(settings, io))

    expect(await instanceIds(path.join(settings.data.output, `${id}.ndjson`))).toEqual(
      expectedIds(250)
    )
    expect(io.infos.some(line => /not a whole data page.*trying again/.test(line))).toBe(true)
    // The retry of page 1 opened a new scroll; pages 2 and 3 follow on it.
    const scrolls = emu.requests.all().map(r => r.query.searchRequestId)
    expect(scrolls).toHaveLength(4)
    expect(scrolls[0]).toBeUndefined()
    expect(scrolls[1]).toBeUndefined()
    expect(scrolls[2]).toBeDefined()
    expect(scrolls[3]).toBe(scrolls[2])
  })

  it('starts over when a truncated page in the middle cost a page (the scroll had moved on)', async () => {
    const emu = await emulator()
    emu.faults.add({route: 'exportResult', skip: 2, truncate: true})
    const dir = await workspace()
    const id = addRawReport(emu, 700)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '100'}, io)

    await runExportData(settings, io, clientFor(settings, io))

    expect(await instanceIds(path.join(settings.data.output, `${id}.ndjson`))).toEqual(
      expectedIds(700)
    )
    // Page 3 broke off after Optimize had moved the scroll on: the retry of
    // page 3 got page 4. One page lost, then a restart.
    expect(io.warnings[0]).toMatch(
      /delivered 600 records but announced 700.*starting this report over/
    )
    expect(await filesIn(settings.data.output)).toEqual([`${id}.ndjson`, 'manifest.json'])
  })
})
