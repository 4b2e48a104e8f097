/**
 * Reads the body of an export batch (optimize-api.md §1 rows 4–5), a JSON
 * array of entities, as it arrives: each entity is parsed as soon as its last
 * byte is in, and the strings of process reports' `configuration.xml` are
 * never built. Pure: bytes in, values out.
 *
 * Why: a process report carries its BPMN, 10–50 KB, that the files never hold
 * (§4.1 step 9g: Optimize refills it on import). A 100-dashboard batch is some
 * 30 MB of which nearly all is that XML; parsing it into strings, only to drop
 * them, costs more than the rest of the export together. And an entity parsed
 * while the rest of the batch is still on its way costs no wall time.
 *
 * How: a byte scanner follows the array's structure (strings, nesting) and
 * cuts the string value of every `"xml"` key out of the entity's bytes, a
 * short placeholder in its place, before `JSON.parse`. After parsing, a
 * placeholder must sit at a report's `data.configuration.xml`: a process
 * report's is left out, any other report's (a decision report keeps its DMN)
 * is parsed from its own bytes. An entity with a placeholder anywhere else is
 * parsed again from its whole bytes. A body that is not a plain array of
 * objects is parsed with `JSON.parse` at the end: from the comma after the
 * last entity answered on, behind a stand-in for what came before (all of
 * it, when no entity was), so the values never differ from `JSON.parse`'s
 * of the whole body except in the absent process XML, and a body that is
 * not JSON fails with a SyntaxError. Only those bytes are kept: each chunk
 * can go as soon as it is read.
 *
 * Over 300 lines: one state machine; its states, the scan that moves between
 * them and the restoring of the cut values are one piece, read together.
 */

/** The placeholder's text: it starts with a NUL character, which no XML contains. */
const MARK = '\u0000oac-xml:'
const MARK_JSON = '\\u0000oac-xml:'
/** The only way JSON text can hold a NUL character. */
const NUL_ESCAPE = '\\u0000'
const XML_KEY = [0x78, 0x6d, 0x6c] // x m l

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d

const BEFORE = 0 // before the array's '['
const BETWEEN = 1 // inside the array, between entities
const ENTITY = 2 // inside an entity, outside strings
const STRING = 3 // inside a string of an entity
const XML = 4 // inside a cut xml string
const AFTER = 5 // after the array's ']'
const IRREGULAR = 6 // not a plain array of objects: parsed whole at the end

/** After '[': an entity or ']'; after ',': an entity; after an entity: ',' or ']'. */
const FIRST = 0
const NEXT = 1
const DONE = 2

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09
}

export class ExportDecoder {
  #mode = BEFORE
  #expect = FIRST
  #depth = 0
  #escaped = false
  /** Bytes of the current string matched against `xml` so far; -1 once it differs. */
  #keyMatch = 0
  /** 1: the last string was `xml`; 2: and a ':' followed, so the next string is cut. */
  #xmlKey = 0
  /** Backslashes at the end of what has been read of the current cut string. */
  #trailingBackslashes = 0
  /** The current entity's bytes, placeholders instead of cut strings. */
  #kept: Uint8Array[] = []
  /** The cut strings of the current entity, quotes included, each in pieces. */
  #cuts: Uint8Array[][] = []
  /**
   * The body's bytes from the last comma between entities on (from its start
   * before the first one), for a body that turns out not to be a plain array
   * of objects: `JSON.parse(#resumeWith + these)` then stands for parsing the
   * whole body. Keeping only these, not the 30 MB a batch has, lets every
   * chunk go once it is read: kept, they grew the heap by the whole batch and
   * kept the garbage collector busy.
   */
  #tail: Uint8Array[] = []
  /** '' at the start; '[0,' from the first comma on: an array with an entity already read. */
  #resumeWith = ''
  /** Where #tail begins in the body, and how many entities had been answered then. */
  #tailOffset = 0
  #emittedBeforeTail = 0
  /** Bytes read so far. */
  #offset = 0
  #emitted = 0

  /** Reads the next bytes of the body; answers the entities they complete. */
  push(chunk: Uint8Array): unknown[] {
    const out: unknown[] = []
    // A Buffer view: its indexOf finds a byte faster than Uint8Array's.
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const tailFrom = this.#mode === IRREGULAR ? 0 : this.#scan(bytes, out)
    if (tailFrom < bytes.length) this.#tail.push(bytes.subarray(tailFrom))
    this.#offset += bytes.length
    return out
  }

  /** Reads `bytes` into `out`; answers where in `bytes` what #tail must keep begins. */
  #scan(bytes: Buffer, out: unknown[]): number {
    const n = bytes.length
    let tailFrom = 0
    let i = 0
    /** Where the current kept piece (or cut string) of this chunk began. */
    let from = 0
    while (i < n) {
      const mode = this.#mode
      if (mode === ENTITY || mode === STRING) {
        // The hot loop: state in locals, stored back when it ends.
        let depth = this.#depth
        let xmlKey = this.#xmlKey
        let keyMatch = this.#keyMatch
        let escaped = this.#escaped
        let inString = mode === STRING
        let next = ENTITY
        for (; i < n; i++) {
          const b = bytes[i]
          if (inString) {
            if (escaped) {
              escaped = false
              keyMatch = -1
            } else if (b === BACKSLASH) {
              escaped = true
            } else if (b === QUOTE) {
              xmlKey = keyMatch === 3 ? 1 : 0
              inString = false
            } else if (keyMatch >= 0) {
              keyMatch = XML_KEY[keyMatch] === b ? keyMatch + 1 : -1
            }
          } else if (b === QUOTE) {
            if (xmlKey === 2) {
              next = XML
              break
            }
            inString = true
            keyMatch = 0
            xmlKey = 0
          } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
            depth++
            xmlKey = 0
          } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
            xmlKey = 0
            if (--depth === 0) {
              next = BETWEEN
              break
            }
          } else if (xmlKey !== 0) {
            if (b === COLON && xmlKey === 1) xmlKey = 2
            else if (!isWhitespace(b)) xmlKey = 0
          }
        }
        this.#depth = depth
        this.#xmlKey = 0
        this.#keyMatch = keyMatch
        this.#escaped = escaped
        this.#mode = inString ? STRING : ENTITY
        if (i === n) {
          this.#xmlKey = xmlKey
        } else if (next === XML) {
          this.#kept.push(bytes.subarray(from, i), placeholder(this.#cuts.length))
          this.#cuts.push([])
          this.#trailingBackslashes = 0
          this.#mode = XML
          from = i
          i++
        } else {
          this.#kept.push(bytes.subarray(from, i + 1))
          i++
          if (!this.#finishEntity(out)) return tailFrom
          this.#mode = BETWEEN
          this.#expect = DONE
        }
      } else if (mode === XML) {
        const end = this.#closingQuote(bytes, i, from)
        if (end < 0) break
        this.#cuts[this.#cuts.length - 1].push(bytes.subarray(from, end + 1))
        from = end + 1
        i = end + 1
        this.#mode = ENTITY
      } else if (mode === BETWEEN) {
        for (; i < n; i++) {
          const b = bytes[i]
          if (isWhitespace(b)) continue
          if (b === OPEN_OBJECT && this.#expect !== DONE) {
            this.#mode = ENTITY
            this.#depth = 1
            this.#kept = []
            this.#cuts = []
            from = i
            i++
          } else if (b === COMMA && this.#expect === DONE) {
            this.#expect = NEXT
            // All before this comma is a well-formed start of an array: what follows is read on its own.
            tailFrom = i + 1
            this.#tail = []
            this.#resumeWith = '[0,'
            this.#tailOffset = this.#offset + tailFrom
            this.#emittedBeforeTail = this.#emitted
            continue
          } else if (b === CLOSE_ARRAY && this.#expect !== NEXT) {
            this.#mode = AFTER
            i++
          } else {
            this.#mode = IRREGULAR
          }
          break
        }
      } else if (mode === BEFORE) {
        while (i < n && isWhitespace(bytes[i])) i++
        if (i < n) {
          if (bytes[i] === OPEN_ARRAY) {
            this.#mode = BETWEEN
            this.#expect = FIRST
            i++
          } else this.#mode = IRREGULAR
        }
      } else if (mode === AFTER) {
        while (i < n && isWhitespace(bytes[i])) i++
        if (i < n) this.#mode = IRREGULAR
      } else {
        return tailFrom
      }
    }
    // The rest of this chunk belongs to the entity or cut string still open.
    if (this.#mode === ENTITY || this.#mode === STRING) {
      if (from < n) this.#kept.push(bytes.subarray(from))
    } else if (this.#mode === XML) {
      this.#cuts[this.#cuts.length - 1].push(bytes.subarray(from))
    }
    return tailFrom
  }

  /**
   * Ends the body: the entities not answered yet, or, for a body that is not
   * a plain array of objects, what `JSON.parse` makes of it (an array: the
   * elements after those already answered). Throws JSON.parse's SyntaxError
   * for a body that is not whole JSON, saying where the part it read began
   * when that is not the start of the body.
   */
  end(): unknown {
    if (this.#mode === AFTER) return []
    const text = this.#resumeWith + Buffer.concat(this.#tail).toString('utf8')
    let whole: unknown
    try {
      whole = JSON.parse(text)
    } catch (error) {
      if (!this.#resumeWith || !(error instanceof SyntaxError)) throw error
      throw new SyntaxError(
        `${error.message} (in the body from byte ${this.#tailOffset} on, after ${this.#emittedBeforeTail} entities; read as "${this.#resumeWith}" and what follows)`,
        {cause: error}
      )
    }
    if (!Array.isArray(whole)) return whole
    // With '[0,' in front, the 0 stands for the entities answered before the tail.
    return this.#resumeWith
      ? whole.slice(1 + this.#emitted - this.#emittedBeforeTail)
      : whole.slice(this.#emitted)
  }

  /** The offset of the first unescaped quote from `start` on, or -1 when there is none in `bytes`. */
  #closingQuote(bytes: Buffer, start: number, from: number): number {
    // XML has a quote every few bytes, each escaped: this loop runs millions of times a batch.
    let quote = bytes.indexOf(QUOTE, start)
    while (quote >= 0) {
      if (
        (quote > from && bytes[quote - 1] !== BACKSLASH) ||
        countBackslashes(bytes, quote, from, this.#trailingBackslashes) % 2 === 0
      ) {
        return quote
      }
      quote = bytes.indexOf(QUOTE, quote + 1)
    }
    this.#trailingBackslashes = countBackslashes(
      bytes,
      bytes.length,
      from,
      this.#trailingBackslashes
    )
    return -1
  }

  /** Parses the entity just completed into `out`; false when the body turned out irregular. */
  #finishEntity(out: unknown[]): boolean {
    const text = concatText(this.#kept)
    let value: unknown
    try {
      value = JSON.parse(text)
      if (this.#cuts.length > 0) value = this.#restoreCuts(value, text)
    } catch {
      this.#mode = IRREGULAR
      return false
    }
    out.push(value)
    this.#emitted++
    return true
  }

  /**
   * The parsed entity with its one cut put back where it belongs, or parsed
   * from all its bytes. The placeholder is the entity's only NUL character,
   * so no string of the entity can pass for it.
   */
  #restoreCuts(value: unknown, text: string): unknown {
    const configuration = configurationOf(value)
    const placedOnce =
      this.#cuts.length === 1 &&
      configuration?.xml === `${MARK}0` &&
      text.indexOf(NUL_ESCAPE) === text.lastIndexOf(NUL_ESCAPE)
    if (!placedOnce) return JSON.parse(this.#wholeText())
    if ((value as {exportEntityType?: unknown}).exportEntityType === 'single_process_report') {
      delete configuration.xml
    } else {
      configuration.xml = JSON.parse(concatText(this.#cuts[0])) as unknown
    }
    return value
  }

  /** The current entity's bytes as they came, cut strings included. */
  #wholeText(): string {
    const pieces: Uint8Array[] = []
    let cut = 0
    for (const piece of this.#kept) {
      if (piece === PLACEHOLDERS[cut]) pieces.push(...this.#cuts[cut++])
      else pieces.push(piece)
    }
    return concatText(pieces)
  }
}

const PLACEHOLDERS: Uint8Array[] = []

/** The bytes that stand in for the `index`th cut string of an entity: one object per index. */
function placeholder(index: number): Uint8Array {
  while (PLACEHOLDERS.length <= index) {
    PLACEHOLDERS.push(Buffer.from(`"${MARK_JSON}${PLACEHOLDERS.length}"`))
  }
  return PLACEHOLDERS[index]
}

/** Consecutive backslashes before `end`, down to `from`; past `from`, those counted before. */
function countBackslashes(bytes: Uint8Array, end: number, from: number, before: number): number {
  let count = 0
  let at = end - 1
  while (at >= from && bytes[at] === BACKSLASH) {
    count++
    at--
  }
  return at < from ? count + before : count
}

function concatText(pieces: readonly Uint8Array[]): string {
  if (pieces.length === 1) {
    const [only] = pieces
    return Buffer.from(only.buffer, only.byteOffset, only.byteLength).toString('utf8')
  }
  return Buffer.concat(pieces).toString('utf8')
}

function configurationOf(item: unknown): Record<string, unknown> | undefined {
  const data = isObject(item) ? item.data : undefined
  const configuration = isObject(data) ? data.configuration : undefined
  return isObject(configuration) ? configuration : undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
