import {createHash} from 'node:crypto'
import {readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {toCanonicalJson} from '../../src/entities/canonical-json.js'
import {runExportData} from '../../src/export-data.js'
import {
  addRawReport,
  addResultReport,
  clientFor,
  emulator,
  settingsFor,
  testIo,
  workspace
} from './helpers.js'

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex')
}

describe('export-data manifest and summary', () => {
  it('records id, file, format, count and SHA-256 of every file, in canonical JSON without timestamps', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const raw = addRawReport(emu, 321)
    const number = addResultReport(emu, 'number')
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': `${raw},${number}`}, io)

    const result = await runExportData(settings, io, clientFor(settings, io))

    const out = settings.data.output
    const text = await readFile(path.join(out, 'manifest.json'), 'utf8')
    const manifest = JSON.parse(text) as unknown
    expect(text).toBe(toCanonicalJson(manifest))
    const expected = [
      {id: raw, file: `${raw}.ndjson`, format: 'ndjson', records: 321},
      {id: number, file: `${number}.ndjson`, format: 'ndjson', records: 1}
    ].sort((a, b) => (a.id < b.id ? -1 : 1))
    expect(manifest).toEqual({
      reports: await Promise.all(
        expected.map(async e => ({...e, sha256: await sha256(path.join(out, e.file))}))
      )
    })
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT/)

    expect(result.summary).toContain('| Report | Records | File | SHA-256 |')
    const rawSha = await sha256(path.join(out, `${raw}.ndjson`))
    expect(result.summary).toContain(
      `| \`${raw}\` | 321 | \`optimize-data/${raw}.ndjson\` | \`${rawSha.slice(0, 12)}\` |`
    )
  })

  it('writes byte-identical files and manifest when the data did not change', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addRawReport(emu, 2000)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, format: 'csv'}, io)
    const out = settings.data.output

    await runExportData(settings, io, clientFor(settings, io))
    const first = await readFile(path.join(out, 'manifest.json'), 'utf8')
    await runExportData(settings, io, clientFor(settings, io))

    expect(await readFile(path.join(out, 'manifest.json'), 'utf8')).toBe(first)
    expect(first).toContain(await sha256(path.join(out, `${id}.csv`)))
  })

  it('logs progress on a time basis with records done, total and rate', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addRawReport(emu, 1000)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '100'}, io)
    // Every reading of the clock is one second later: a line every third page at 3 s.
    let clock = 0
    const now = (): number => (clock += 1000)

    await runExportData(settings, io, clientFor(settings, io), {now, intervalMs: 3000})

    const lines = io.infos.filter(line => line.includes('records/s'))
    expect(lines.length).toBeGreaterThanOrEqual(2)
    expect(lines[0]).toMatch(
      new RegExp(`^Report ${id}: [\\d,]+ / 1,000 records \\(\\d+%\\), [\\d,]+ records/s$`)
    )
    expect(io.infos).toContainEqual(
      expect.stringMatching(/1,000 records written to optimize-data\//)
    )
  })
})
