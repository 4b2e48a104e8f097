/**
 * Parses the text of an export batch (optimize-api.md §1 rows 4–5) without
 * ever building the strings of process reports' `configuration.xml`. Pure.
 *
 * Why: a process report carries its BPMN, 10–50 KB, that the files never hold
 * (§4.1 step 9g: Optimize refills it on import). A 100-dashboard batch is some
 * 30 MB of which nearly all is that XML; parsing it into strings, only to drop
 * them, costs more than the rest of the export together, most of it in the
 * garbage collector copying them.
 *
 * How: every `"xml":"…"` member is cut out of the text before `JSON.parse`
 * and a short placeholder put in its place. The sequence `"xml":"` can only be
 * a key followed by a string: inside a JSON string every quote is escaped.
 * After parsing, each placeholder must sit at a report's
 * `data.configuration.xml`: a process report's is left out, any other
 * report's (a decision report keeps its DMN) is parsed from its own slice of
 * the text. If any placeholder is found anywhere else, or is missing, the
 * whole text is parsed plainly instead, so the result never differs from
 * `JSON.parse` except in the absent process XML.
 */

const KEY = Buffer.from('"xml":"')
const MARK = '\u0000oac-xml:'

/**
 * Like `JSON.parse` of the UTF-8 `body`, except that process reports come
 * without `data.configuration.xml`. Works on the bytes: the cut XML is never
 * even decoded (a quote or backslash byte is never part of a multi-byte
 * UTF-8 character, so the scan is the same as on text).
 */
export function parseExportOmittingProcessXml(body: Uint8Array): unknown {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const parseAll = (): unknown => JSON.parse(bytes.toString('utf8'))
  // Offsets of each cut string literal: [opening quote, after the closing quote], flattened.
  const spans: number[] = []
  const pieces: Uint8Array[] = []
  let last = 0
  for (let key = bytes.indexOf(KEY); key >= 0; key = bytes.indexOf(KEY, last)) {
    const open = key + KEY.length - 1
    const end = stringEnd(bytes, open)
    if (end < 0) return parseAll() // cut short: let JSON.parse say where
    pieces.push(bytes.subarray(last, open), Buffer.from(`"\\u0000oac-xml:${spans.length / 2}"`))
    spans.push(open, end)
    last = end
  }
  if (spans.length === 0) return parseAll()
  pieces.push(bytes.subarray(last))
  const value: unknown = JSON.parse(Buffer.concat(pieces).toString('utf8'))
  if (!Array.isArray(value)) return parseAll()
  let found = 0
  for (const item of value) {
    const configuration = configurationOf(item)
    const xml = configuration?.xml
    if (!configuration || typeof xml !== 'string' || !xml.startsWith(MARK)) continue
    const index = Number(xml.slice(MARK.length))
    found++
    if ((item as {exportEntityType?: unknown}).exportEntityType === 'single_process_report') {
      delete configuration.xml
    } else {
      const literal = bytes.toString('utf8', spans[2 * index], spans[2 * index + 1])
      configuration.xml = JSON.parse(literal) as unknown
    }
  }
  // Every cut must be accounted for; an `xml` key anywhere else means: parse it all.
  return found === spans.length / 2 ? value : parseAll()
}

function configurationOf(item: unknown): Record<string, unknown> | undefined {
  const data = isObject(item) ? item.data : undefined
  const configuration = isObject(data) ? data.configuration : undefined
  return isObject(configuration) ? configuration : undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The offset after the closing quote of the string opening at `open`, or -1 when it does not end. */
function stringEnd(bytes: Buffer, open: number): number {
  let from = open + 1
  for (;;) {
    const quote = bytes.indexOf(0x22, from)
    if (quote < 0) return -1
    let backslashes = 0
    while (bytes[quote - 1 - backslashes] === 0x5c) backslashes++
    if (backslashes % 2 === 0) return quote + 1
    from = quote + 1
  }
}
