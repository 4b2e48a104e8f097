import {mkdir, readFile, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {CommandFailedError} from '../../src/command.js'
import {runExportData} from '../../src/export-data.js'
import {
  addCombinedReport,
  addRawReport,
  addResultReport,
  clientFor,
  emulator,
  expectedIds,
  filesIn,
  instanceIds,
  readLines,
  reportId,
  settingsFor,
  testIo,
  workspace
} from './helpers.js'

describe('export-data of several reports and of non-raw reports (§5.4, §5.5)', () => {
  it('writes one file per report in one run and lists them in the outputs', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const first = addRawReport(emu, 1234, 1)
    const second = addRawReport(emu, 10, 2)
    const io = testIo()
    const settings = settingsFor(
      emu,
      dir,
      {'report-ids': `${first}\n${second}`, output: 'data/out', limit: '500'},
      io
    )

    const result = await runExportData(settings, io, clientFor(settings, io))

    expect(await instanceIds(path.join(dir, 'data/out', `${first}.ndjson`))).toEqual(
      expectedIds(1234)
    )
    expect(await instanceIds(path.join(dir, 'data/out', `${second}.ndjson`))).toEqual(
      expectedIds(10)
    )
    expect(result.outputs.records).toBe('1244')
    expect(JSON.parse(result.outputs.files)).toEqual([
      `data/out/${first}.ndjson`,
      `data/out/${second}.ndjson`,
      'data/out/manifest.json'
    ])
  })

  it('writes a number report as one record', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addResultReport(emu, 'number')
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id}, io)

    const result = await runExportData(settings, io, clientFor(settings, io))

    const lines = await readLines(path.join(settings.data.output, `${id}.ndjson`))
    expect(lines).toHaveLength(1)
    expect(Object.keys(JSON.parse(lines[0]) as object)).toEqual(['value'])
    expect(typeof (JSON.parse(lines[0]) as {value: unknown}).value).toBe('number')
    expect(result.outputs.records).toBe('1')
  })

  it("writes one record per map entry and shows Optimize's message", async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addResultReport(emu, 'map')
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, limit: '1'}, io)

    await runExportData(settings, io, clientFor(settings, io))

    const records = (await readLines(path.join(settings.data.output, `${id}.ndjson`))).map(
      line => JSON.parse(line) as {key: string; value: number; label: string}
    )
    expect(records.length).toBeGreaterThan(1)
    for (const record of records)
      expect(Object.keys(record).sort()).toEqual(['key', 'label', 'value'])
    expect(io.infos).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `Report ${id}: Optimize says: All records are delivered .* regardless of the set limit`
        )
      )
    )
    expect(emu.requests.count('exportResult')).toBe(1)
  })

  it('writes a hyper-map entry with its nested values as one record', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addResultReport(emu, 'hypermap')
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id}, io)

    await runExportData(settings, io, clientFor(settings, io))

    const records = (await readLines(path.join(settings.data.output, `${id}.ndjson`))).map(
      line => JSON.parse(line) as {value: unknown[]}
    )
    expect(records.length).toBeGreaterThan(1)
    expect(Array.isArray(records[0].value)).toBe(true)
  })

  it.each(['8.x', '8.7'] as const)(
    'refuses a combined report with an error naming it (%s)',
    async profile => {
      const emu = await emulator({profile})
      const dir = await workspace()
      const child = addRawReport(emu, 5)
      const id = addCombinedReport(emu, [child])
      const io = testIo()
      const settings = settingsFor(emu, dir, {'report-ids': id}, io)

      const failure = runExportData(settings, io, clientFor(settings, io))

      await expect(failure).rejects.toThrow(
        `Report ${id} is a combined report: Optimize cannot export the data of combined reports. List its single reports in 'report-ids' instead.`
      )
      expect(await filesIn(settings.data.output)).toEqual(['manifest.json'])
    }
  )

  it('stops at a failing report, keeps the complete files before it and publishes the partial result', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const good = addRawReport(emu, 30)
    const missing = reportId()
    const never = addRawReport(emu, 30)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': [good, missing, never].join(',')}, io)

    const error = await runExportData(settings, io, clientFor(settings, io)).catch(
      (e: unknown) => e
    )

    expect(error).toBeInstanceOf(CommandFailedError)
    const failed = error as CommandFailedError
    expect(failed.message).toMatch(new RegExp(`^Report ${missing}: GET .* failed: 404`))
    expect(failed.result?.outputs.records).toBe('30')
    expect(failed.result?.summary).toContain(`**Failed** at report \`${missing}\``)
    expect(await filesIn(settings.data.output)).toEqual([`${good}.ndjson`, 'manifest.json'])
    const manifest = JSON.parse(
      await readFile(path.join(settings.data.output, 'manifest.json'), 'utf8')
    ) as {reports: {id: string}[]}
    expect(manifest.reports.map(r => r.id)).toEqual([good])
  })

  it('refuses a symbolic link where a .partial file goes, and leaves its target alone', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addRawReport(emu, 20, 1)
    const outside = path.join(await workspace(), 'victim.txt')
    await writeFile(outside, 'keep\n')
    await mkdir(path.join(dir, 'data'))
    const partial = path.join(dir, 'data', `${id}.ndjson.partial`)
    await symlink(outside, partial)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, output: 'data'}, io)

    const error = await runExportData(settings, io, clientFor(settings, io)).catch(
      (e: unknown) => e
    )

    expect(error).toBeInstanceOf(CommandFailedError)
    expect((error as Error).message).toBe(
      `Report ${id}: Refusing to write '${partial}': it is a symbolic link.`
    )
    expect(await readFile(outside, 'utf8')).toBe('keep\n')
  })
})
