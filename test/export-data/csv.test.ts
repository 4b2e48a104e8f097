import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {collectColumns, csvField, flatten, writeCsv} from '../../src/data/csv.js'
import {FileSink} from '../../src/data/file-sink.js'
import {runExportData} from '../../src/export-data.js'
import {
  addRawReport,
  addResultReport,
  clientFor,
  emulator,
  filesIn,
  readLines,
  settingsFor,
  testIo,
  workspace
} from './helpers.js'

/** A strict RFC 4180 reader, so the tests check the bytes, not our own writer's idea of them. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  while (i < text.length) {
    if (text[i] === '"') {
      i++
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"'
          i += 2
        } else if (text[i] === '"') {
          i++
          break
        } else field += text[i++]
      }
    } else if (text[i] === ',') {
      row.push(field)
      field = ''
      i++
    } else if (text.startsWith('\r\n', i)) {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      i += 2
    } else field += text[i++]
  }
  expect(row).toEqual([])
  return rows
}

async function csvOf(records: unknown[]): Promise<string> {
  const dir = await workspaceDir()
  const ndjson = path.join(dir, 'records.ndjson')
  await writeFile(ndjson, records.map(r => `${JSON.stringify(r)}\n`).join(''))
  const sink = await FileSink.open(path.join(dir, 'out.partial'))
  await writeCsv(ndjson, await collectColumns(ndjson), sink)
  await sink.commit(path.join(dir, 'out.csv'))
  return readFile(path.join(dir, 'out.csv'), 'utf8')
}

const workspaceDir = workspace

describe('CSV (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks, and only those', () => {
    expect(csvField('plain text')).toBe('plain text')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\r')).toBe('"cr\r"')
    expect(csvField('')).toBe('')
  })

  it('flattens nested objects into dotted columns and keeps arrays as JSON', () => {
    const cells = flatten({
      id: '1',
      variables: {amount: 1.5, ok: true, none: null},
      list: [1, {a: 2}]
    })
    expect(Object.fromEntries(cells)).toEqual({
      id: '1',
      'variables.amount': '1.5',
      'variables.ok': 'true',
      'variables.none': '',
      list: '[1,{"a":2}]'
    })
  })

  it('writes the sorted union of columns, whatever order the records come in', async () => {
    const records = [
      {id: 'a', variables: {zeta: 'x,y', alpha: 'say "hi"'}},
      {id: 'b', variables: {note: 'two\nlines'}, extra: 1},
      {id: 'c', variables: {}}
    ]
    const text = await csvOf(records)
    expect(text.endsWith('\r\n')).toBe(true)
    expect(parseCsv(text)).toEqual([
      ['extra', 'id', 'variables.alpha', 'variables.note', 'variables.zeta'],
      ['', 'a', 'say "hi"', '', 'x,y'],
      ['1', 'b', '', 'two\nlines', ''],
      ['', 'c', '', '', '']
    ])
    expect(text).toContain('"say ""hi"""')
    expect(await csvOf([...records].reverse())).toMatch(
      /^extra,id,variables\.alpha,variables\.note,variables\.zeta\r\n/
    )
  })

  it('exports raw rows whose variables differ from row to row, matching the NDJSON export', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addRawReport(emu, 777, 5)
    const io = testIo()
    const csvSettings = settingsFor(emu, dir, {'report-ids': id, format: 'csv', limit: '200'}, io)
    const jsonSettings = settingsFor(emu, dir, {'report-ids': id, output: 'json', limit: '200'}, io)

    const result = await runExportData(csvSettings, io, clientFor(csvSettings, io))
    await runExportData(jsonSettings, io, clientFor(jsonSettings, io))

    expect(result.outputs.records).toBe('777')
    const [header, ...rows] = parseCsv(
      await readFile(path.join(csvSettings.data.output, `${id}.csv`), 'utf8')
    )
    expect(header).toEqual([...header].sort())
    expect(header).toContain('processInstanceId')
    const variableColumns = header.filter(c => c.startsWith('variables.'))
    expect(variableColumns.length).toBeGreaterThan(3)
    const records = (await readLines(path.join(jsonSettings.data.output, `${id}.ndjson`))).map(
      line => JSON.parse(line) as Record<string, unknown>
    )
    expect(rows).toHaveLength(777)
    // The variable sets really differ between rows, and every row maps back to its record.
    expect(
      new Set(records.map(r => Object.keys(r.variables as object).join())).size
    ).toBeGreaterThan(5)
    rows.forEach((row, i) => {
      expect(row).toHaveLength(header.length)
      expect(Object.fromEntries(header.map((c, j) => [c, row[j]]))).toEqual(
        Object.fromEntries(header.map(c => [c, flatten(records[i]).get(c) ?? '']))
      )
    })
    expect(await filesIn(csvSettings.data.output)).toEqual([`${id}.csv`, 'manifest.json'])
  })

  it('writes a number report as a one-column CSV', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addResultReport(emu, 'number')
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, format: 'csv'}, io)

    await runExportData(settings, io, clientFor(settings, io))

    const rows = parseCsv(await readFile(path.join(settings.data.output, `${id}.csv`), 'utf8'))
    expect(rows[0]).toEqual(['value'])
    expect(rows).toHaveLength(2)
  })

  it('writes an empty CSV for a report without records', async () => {
    const emu = await emulator()
    const dir = await workspace()
    const id = addRawReport(emu, 0)
    const io = testIo()
    const settings = settingsFor(emu, dir, {'report-ids': id, format: 'csv'}, io)

    await runExportData(settings, io, clientFor(settings, io))

    expect(await readFile(path.join(settings.data.output, `${id}.csv`), 'utf8')).toBe('')
  })
})
