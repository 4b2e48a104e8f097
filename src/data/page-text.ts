/**
 * Splits one data page (optimize-api.md §5.2) into its envelope and the JSON
 * text of each row, without parsing the rows.
 *
 * Why not `JSON.parse` then `JSON.stringify` each row: a 10,000-row page is
 * several megabytes, and building then re-serializing every row object costs
 * more than the HTTP round trip itself. NDJSON only needs each row's text, so
 * the scanner finds the boundaries of the `data` array's elements (skipping
 * strings with native `indexOf`) and the envelope is parsed on its own. A body
 * cut short never balances, so a truncated page still fails here.
 */

/** The fields of a page besides its rows (`PaginatedDataExportDto`). */
export interface PageEnvelope {
  searchRequestId?: string | null
  numberOfRecordsInResponse: number
  totalNumberOfRecords: number
  reportId?: string
  message?: string
}

export interface PageText extends PageEnvelope {
  /** The JSON text of each element of `data`, one line each, when `data` is an array. */
  rows?: string[]
  /** `data` parsed, when it is not an array (a number report); undefined when absent. */
  value?: unknown
}

export class PageFormatError extends Error {
  override name = 'PageFormatError'
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

/** Decodes a page's body text; throws PageFormatError when it is not a whole page. */
export function decodePage(text: string): PageText {
  let i = skipSpace(text, 0)
  if (text.charCodeAt(i) !== OPEN_BRACE) throw new PageFormatError('the page is not a JSON object')
  i = skipSpace(text, i + 1)
  let dataStart = -1
  let dataEnd = -1
  let rows: string[] | undefined
  while (text.charCodeAt(i) !== CLOSE_BRACE) {
    if (text.charCodeAt(i) !== QUOTE) throw new PageFormatError(`expected a key at offset ${i}`)
    const keyEnd = stringEnd(text, i)
    const key = text.slice(i + 1, keyEnd - 1)
    i = skipSpace(text, keyEnd)
    if (text.charCodeAt(i) !== COLON) throw new PageFormatError(`expected ':' at offset ${i}`)
    const valueStart = skipSpace(text, i + 1)
    let valueEnd: number
    if (key === 'data' && text.charCodeAt(valueStart) === OPEN_BRACKET) {
      const split = splitArray(text, valueStart)
      rows = split.rows
      valueEnd = split.end
      dataStart = valueStart
      dataEnd = valueEnd
    } else {
      valueEnd = valueEndAt(text, valueStart)
    }
    i = skipSpace(text, valueEnd)
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1)
    else if (text.charCodeAt(i) !== CLOSE_BRACE)
      throw new PageFormatError(`expected ',' or '}' at offset ${i}`)
  }
  if (skipSpace(text, i + 1) !== text.length)
    throw new PageFormatError('unexpected text after the page')
  // The envelope is tiny once the rows are cut out; parsing it checks its syntax too.
  const envelopeText =
    dataStart < 0 ? text : `${text.slice(0, dataStart)}null${text.slice(dataEnd)}`
  let envelope: Record<string, unknown>
  try {
    envelope = JSON.parse(envelopeText) as Record<string, unknown>
  } catch (error) {
    throw new PageFormatError(`the page is not valid JSON: ${(error as Error).message}`)
  }
  return {...checkEnvelope(envelope), rows, value: rows ? undefined : (envelope.data ?? undefined)}
}

function checkEnvelope(raw: Record<string, unknown>): PageEnvelope {
  const {searchRequestId, numberOfRecordsInResponse, totalNumberOfRecords, reportId, message} = raw
  if (!Number.isInteger(numberOfRecordsInResponse) || !Number.isInteger(totalNumberOfRecords))
    throw new PageFormatError('numberOfRecordsInResponse/totalNumberOfRecords are not integers')
  if (searchRequestId != null && typeof searchRequestId !== 'string')
    throw new PageFormatError('searchRequestId is not a string')
  return {
    searchRequestId,
    numberOfRecordsInResponse: numberOfRecordsInResponse as number,
    totalNumberOfRecords: totalNumberOfRecords as number,
    reportId: typeof reportId === 'string' ? reportId : undefined,
    message: typeof message === 'string' ? message : undefined
  }
}

/** The elements of the array opening at `start`, and the offset after its `]`. */
function splitArray(text: string, start: number): {rows: string[]; end: number} {
  const rows: string[] = []
  let i = skipSpace(text, start + 1)
  if (text.charCodeAt(i) === CLOSE_BRACKET) return {rows, end: i + 1}
  for (;;) {
    const end = valueEndAt(text, i)
    let row = text.slice(i, end)
    // Compact JSON has no line breaks outside strings (they are escaped inside);
    // a pretty-printing server's rows are re-serialized to stay one line each.
    if (row.includes('\n') || row.includes('\r')) row = JSON.stringify(JSON.parse(row))
    rows.push(row)
    i = skipSpace(text, end)
    const c = text.charCodeAt(i)
    if (c === CLOSE_BRACKET) return {rows, end: i + 1}
    if (c !== COMMA) throw new PageFormatError(`expected ',' or ']' at offset ${i}`)
    i = skipSpace(text, i + 1)
  }
}

/** The offset just after the JSON value starting at `start`. */
function valueEndAt(text: string, start: number): number {
  const first = text.charCodeAt(start)
  if (first === QUOTE) return stringEnd(text, start)
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A scalar: runs to the next delimiter; the envelope parse checks its syntax.
    let i = start
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 0x20) break
    }
    if (i === start || i >= text.length) throw new PageFormatError(`bad value at offset ${start}`)
    return i
  }
  let depth = 0
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) i = stringEnd(text, i) - 1
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1
    }
  }
  throw new PageFormatError('the page ends inside a value (truncated?)')
}

/** The offset just after the string whose opening quote is at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  for (;;) {
    const quote = text.indexOf('"', i)
    if (quote < 0) throw new PageFormatError('the page ends inside a string (truncated?)')
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    i = quote + 1
  }
}

function skipSpace(text: string, start: number): number {
  let i = start
  while (i < text.length && text.charCodeAt(i) <= 0x20) i++
  return i
}
