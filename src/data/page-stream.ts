/**
 * Reads one data page (optimize-api.md §5.2) from the response body as its
 * bytes arrive, and hands each element of `data` on as one NDJSON line, as
 * bytes, without decoding or parsing the rows.
 *
 * Why: a 10,000-row page is several megabytes. Holding it whole as text, then
 * as rows, then as encoded lines, while the next page arrives, is what drove
 * the process's peak memory up; building and re-serializing every row object
 * would cost more than the HTTP round trip. Here a page never exists in memory:
 * each network chunk is scanned (strings skipped with native `indexOf`), the
 * byte ranges of rows are copied to the output, and the chunk is dropped.
 *
 * Everything outside the `data` array (the envelope: counts, searchRequestId,
 * message, a number report's value) is kept as text and parsed at the end,
 * which checks its syntax too. A body cut short never closes its object, so a
 * truncated page fails in `end()`. Whitespace between the tokens of a row is
 * dropped, so the rows of a pretty-printing server still take one line each
 * (line breaks inside strings are always escaped in JSON).
 *
 * Over 300 lines: one byte scanner with its states; split, its parts would
 * share every field of the decoder.
 */
import {InvalidBodyError} from '../optimize/errors.js'

/** The fields of a page besides its rows (`PaginatedDataExportDto`). */
export interface PageEnvelope {
  searchRequestId?: string | null
  numberOfRecordsInResponse: number
  totalNumberOfRecords: number
  reportId?: string
  message?: string
}

export interface DecodedPage extends PageEnvelope {
  /** How many elements `data` had, when it is an array (each went to the sink as a line). */
  rows?: number
  /** `data` parsed, when it is not an array (a number report); undefined when absent. */
  value?: unknown
}

/** Receives the bytes of the lines, in order; `end` is exclusive. */
export interface LineSink {
  append(bytes: Uint8Array, start: number, end: number): void
}

export class PageFormatError extends InvalidBodyError {
  override name = 'PageFormatError'
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const NEWLINE = Uint8Array.of(0x0a)
/** Depth of the `data` array's elements: inside the page object (1) and the array (2). */
const ROW_DEPTH = 2
const DATA_KEY = /"data"\s*:\s*$/

/** How the bytes of a row outside its strings matter to the scanner. */
const ORDINARY = 0
const STRING_START = 1
const OPENS = 2
const CLOSES = 3
const SPACE = 4
const ROW_BYTE = new Uint8Array(256)
ROW_BYTE[QUOTE] = STRING_START
ROW_BYTE[OPEN_BRACE] = OPENS
ROW_BYTE[OPEN_BRACKET] = OPENS
ROW_BYTE[CLOSE_BRACE] = CLOSES
ROW_BYTE[CLOSE_BRACKET] = CLOSES
for (const c of [0x20, 0x0a, 0x0d, 0x09]) ROW_BYTE[c] = SPACE

function isSpace(c: number): boolean {
  return ROW_BYTE[c] === SPACE
}

export class PageDecoder {
  /** Nesting depth of objects and arrays at the current byte. */
  #depth = 0
  #inString = false
  /** The chunk ended right after a backslash inside a string. */
  #escaped = false
  /** Inside the `data` array (its elements are the rows). */
  #inData = false
  #sawData = false
  /** Inside a row (at depth 2 outside a string, a bare number or literal). */
  #inRow = false
  /** Between rows: a value must come next (after `[` or `,`). */
  #expectRow = false
  #started = false
  #finished = false
  #rows = 0
  #envelope = ''
  readonly #text = new TextDecoder('utf-8')
  /** Where, in the current chunk, the pending envelope text or row segment starts. */
  #from = 0

  constructor(private readonly sink: LineSink) {}

  /** Scans one chunk of the body; row bytes go to the sink before this returns. */
  push(chunk: Uint8Array): void {
    const n = chunk.length
    this.#from = 0
    let i = 0
    while (i < n) {
      if (this.#inString) {
        i = this.skipString(chunk, i)
        // A row that is a bare string ends with its closing quote.
        if (!this.#inString && this.#inRow && this.#depth === ROW_DEPTH) this.endRow(chunk, i)
      } else if (!this.#inData) {
        i = this.envelopeByte(chunk, i)
      } else if (this.#inRow) {
        i = this.#depth > ROW_DEPTH ? this.scanRow(chunk, i) : this.scanScalarRow(chunk, i)
      } else {
        i = this.betweenRows(chunk, i)
      }
    }
    const from = this.#from
    if (this.#inData) {
      if (this.#inRow && from < n) this.sink.append(chunk, from, n)
    } else if (from < n) {
      this.#envelope += this.#text.decode(chunk.subarray(from, n), {stream: true})
    }
  }

  /** The envelope, once the whole body has been pushed; throws when it is not a whole page. */
  end(): DecodedPage {
    if (!this.#finished || this.#inString || this.#inData)
      throw new PageFormatError('the page ends before its closing brace (truncated?)')
    this.#envelope += this.#text.decode()
    let envelope: Record<string, unknown>
    try {
      envelope = JSON.parse(this.#envelope) as Record<string, unknown>
    } catch (error) {
      throw new PageFormatError(`the page is not valid JSON: ${(error as Error).message}`)
    }
    return {
      ...checkEnvelope(envelope),
      rows: this.#sawData ? this.#rows : undefined,
      value: this.#sawData ? undefined : (envelope.data ?? undefined)
    }
  }

  /**
   * Runs to the end of the string the scanner is in; returns the offset after
   * its closing quote, or the chunk's length when the string goes on. A plain
   * loop: the strings of raw data are short, shorter than a native call pays off.
   */
  private skipString(chunk: Uint8Array, start: number): number {
    const n = chunk.length
    let i = start
    if (this.#escaped) {
      this.#escaped = false
      i++
    }
    while (i < n) {
      const c = chunk[i]
      if (c === QUOTE) {
        this.#inString = false
        return i + 1
      }
      if (c === BACKSLASH) {
        i += 2
        if (i > n) {
          this.#escaped = true
          return n
        }
      } else i++
    }
    return n
  }

  /**
   * Inside an object or array row, outside strings: the hot loop. Strings are
   * skipped inline; it returns at the row's end or the chunk's.
   */
  private scanRow(chunk: Uint8Array, start: number): number {
    const n = chunk.length
    let depth = this.#depth
    for (let i = start; i < n; i++) {
      const kind = ROW_BYTE[chunk[i]]
      if (kind === ORDINARY) continue
      if (kind === STRING_START) {
        // Inline skipString: most strings end in this chunk.
        for (i++; i < n; i++) {
          const c = chunk[i]
          if (c === QUOTE) break
          if (c === BACKSLASH) i++
        }
        if (i >= n) {
          this.#depth = depth
          this.#inString = true
          // The chunk ended inside the string, maybe right after a backslash.
          this.#escaped = i > n
          return n
        }
      } else if (kind === OPENS) {
        depth++
      } else if (kind === CLOSES) {
        if (--depth === ROW_DEPTH) {
          this.#depth = depth
          this.endRow(chunk, i + 1)
          return i + 1
        }
      } else {
        // Whitespace between a row's tokens is dropped: the segment stops here.
        if (this.#from < i) this.sink.append(chunk, this.#from, i)
        this.#from = i + 1
      }
    }
    this.#depth = depth
    return n
  }

  /** A bare number or literal row runs to the next delimiter. */
  private scanScalarRow(chunk: Uint8Array, start: number): number {
    for (let i = start; i < chunk.length; i++) {
      const c = chunk[i]
      if (c === COMMA || c === CLOSE_BRACKET || isSpace(c)) {
        this.endRow(chunk, i)
        return i
      }
      if (ROW_BYTE[c] !== ORDINARY)
        throw new PageFormatError(`unexpected '${String.fromCharCode(c)}' in a value of data`)
    }
    return chunk.length
  }

  /** One byte between rows of `data`: a separator, the end of the array, or a row's first byte. */
  private betweenRows(chunk: Uint8Array, i: number): number {
    const c = chunk[i]
    this.#from = i + 1
    if (isSpace(c)) return i + 1
    if (c === COMMA) {
      if (this.#expectRow) throw new PageFormatError("unexpected ',' in data")
      this.#expectRow = true
      return i + 1
    }
    if (c === CLOSE_BRACKET) {
      if (this.#expectRow && this.#rows > 0) throw new PageFormatError("unexpected ']' in data")
      this.#inData = false
      this.#depth--
      this.#envelope += ']'
      return i + 1
    }
    if (!this.#expectRow) throw new PageFormatError("expected ',' or ']' between rows")
    if (c === CLOSE_BRACE) throw new PageFormatError("unexpected '}' in data")
    this.#expectRow = false
    this.#inRow = true
    this.#from = i
    if (c === QUOTE) this.#inString = true
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.#depth++
    return c === QUOTE || c === OPEN_BRACE || c === OPEN_BRACKET ? i + 1 : i
  }

  /** One byte of the envelope (kept as text), outside strings. */
  private envelopeByte(chunk: Uint8Array, i: number): number {
    const c = chunk[i]
    if (this.#finished) {
      if (!isSpace(c)) throw new PageFormatError('unexpected text after the page')
    } else if (c === QUOTE) {
      this.#inString = true
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (!this.#started) {
        if (c !== OPEN_BRACE) throw new PageFormatError('the page is not a JSON object')
        this.#started = true
      }
      if (c === OPEN_BRACKET && this.#depth === 1 && !this.#sawData && this.isDataKey(chunk, i)) {
        this.#envelope += '['
        this.#inData = true
        this.#sawData = true
        this.#expectRow = true
        this.#from = i + 1
      }
      this.#depth++
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--this.#depth === 0) this.#finished = true
      if (this.#depth < 0) throw new PageFormatError('unbalanced brackets in the page')
    } else if (!this.#started && !isSpace(c)) {
      throw new PageFormatError('the page is not a JSON object')
    }
    return i + 1
  }

  /** Whether the array opening at `i` is the value of the key `data` (envelope text so far). */
  private isDataKey(chunk: Uint8Array, i: number): boolean {
    this.#envelope += this.#text.decode(chunk.subarray(this.#from, i), {stream: true})
    this.#from = i
    return DATA_KEY.test(this.#envelope)
  }

  /** Ends the row whose last byte is before `end`. */
  private endRow(chunk: Uint8Array, end: number): void {
    if (this.#from < end) this.sink.append(chunk, this.#from, end)
    this.sink.append(NEWLINE, 0, 1)
    this.#from = end
    this.#rows++
    this.#inRow = false
  }
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
