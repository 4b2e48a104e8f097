// Fast serialization of export responses. Reports carry 10–50 KB of BPMN in
// `data.configuration.xml`, shared by every report of a definition. Escaping
// those strings dominates JSON.stringify, so each distinct XML string is escaped once and kept
// as a Buffer; the rest of the response is stringified with a short placeholder in its place.
import {randomBytes} from 'node:crypto'
import type {Json, JsonObject} from './types.js'
import {isObject} from './types.js'

const NONCE = randomBytes(6).toString('hex')
const PLACEHOLDER = new RegExp(`"__xml_${NONCE}_(\\d+)__"`, 'g')
const MIN_LENGTH = 1024
const cache = new Map<string, Buffer>()

function escaped(xml: string): Buffer {
  let buffer = cache.get(xml)
  if (!buffer) {
    if (cache.size > 500) cache.clear()
    buffer = Buffer.from(JSON.stringify(xml))
    cache.set(xml, buffer)
  }
  return buffer
}

export function serializeWithXml(entities: JsonObject[]): Buffer {
  const xmls: string[] = []
  const light = entities.map(entity => {
    const data = entity.data
    if (!isObject(data) || !isObject(data.configuration)) return entity
    const xml: Json | undefined = data.configuration.xml
    if (typeof xml !== 'string' || xml.length < MIN_LENGTH) return entity
    // Copy only the path to the xml: the stored entity must stay untouched.
    const configuration = {...data.configuration, xml: `__xml_${NONCE}_${xmls.length}__`}
    xmls.push(xml)
    return {...entity, data: {...data, configuration}}
  })
  const text = JSON.stringify(light)
  if (xmls.length === 0) return Buffer.from(text)
  const parts: Buffer[] = []
  let last = 0
  for (const match of text.matchAll(PLACEHOLDER)) {
    parts.push(Buffer.from(text.slice(last, match.index)))
    parts.push(escaped(xmls[Number(match[1])]))
    last = match.index + match[0].length
  }
  parts.push(Buffer.from(text.slice(last)))
  return Buffer.concat(parts)
}
