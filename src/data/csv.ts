/**
 * CSV (RFC 4180) from records of varying shape.
 *
 * - Nested objects become columns named by their path (`variables.amount`);
 *   arrays (e.g. `flowNodeInstances`, a hyper-map's `value`) stay one cell of
 *   JSON text, so the number of columns does not grow with their length.
 * - Columns are the union over all records, sorted by UTF-16 code unit: the
 *   same records give the same header whatever order they came in.
 * - null and absent values are empty cells; numbers and booleans as in JSON.
 * - Fields with a comma, quote, CR or LF are quoted, quotes doubled; lines end in CRLF.
 */
import {createReadStream} from 'node:fs'
import {createInterface} from 'node:readline'
import {compareStrings} from '../entities/normalize.js'
import type {FileSink} from './file-sink.js'

type Cells = Map<string, string>

/**
 * First pass: the columns of the NDJSON records in `recordsFile`, sorted.
 * Memory grows with distinct column names, not with records.
 */
export async function collectColumns(recordsFile: string): Promise<string[]> {
  const columns = new Set<string>()
  for await (const record of readRecords(recordsFile))
    for (const column of flatten(record).keys()) columns.add(column)
  return [...columns].sort(compareStrings)
}

async function* readRecords(recordsFile: string): AsyncGenerator<unknown> {
  const lines = createInterface({
    input: createReadStream(recordsFile, {encoding: 'utf8'}),
    crlfDelay: Infinity
  })
  for await (const line of lines) if (line !== '') yield JSON.parse(line) as unknown
}

/** The cells of one record, by column name. */
export function flatten(record: unknown): Cells {
  const cells: Cells = new Map()
  if (isPlainObject(record)) flattenInto(record, '', cells)
  else cells.set('value', cell(record))
  return cells
}

function flattenInto(object: Record<string, unknown>, prefix: string, cells: Cells): void {
  for (const [key, value] of Object.entries(object)) {
    const name = prefix + key
    if (isPlainObject(value)) flattenInto(value, `${name}.`, cells)
    else cells.set(name, cell(value))
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const NEEDS_QUOTES = /[",\r\n]/

/** One field, quoted when RFC 4180 requires it. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

const FLUSH_CHARS = 1 << 20

/**
 * Second pass: reads the NDJSON records in `recordsFile` line by line and
 * writes the CSV to `sink`, header first. Returns the number of records.
 */
export async function writeCsv(
  recordsFile: string,
  columns: readonly string[],
  sink: FileSink
): Promise<number> {
  // No columns means no records: an empty file rather than a blank line.
  if (columns.length > 0) await sink.write(csvLine(columns))
  let buffer = ''
  let records = 0
  for await (const record of readRecords(recordsFile)) {
    const cells = flatten(record)
    buffer += csvLine(columns.map(column => cells.get(column) ?? ''))
    records++
    // Batched writes: one syscall per megabyte, not per record.
    if (buffer.length >= FLUSH_CHARS) {
      await sink.write(buffer)
      buffer = ''
    }
  }
  if (buffer) await sink.write(buffer)
  return records
}
