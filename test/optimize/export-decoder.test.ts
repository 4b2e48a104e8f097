import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'
import {describe, expect, it} from 'vitest'
import {ExportDecoder} from '../../src/optimize/export-decoder.js'
import {templateExport} from '../helpers/fixtures.js'

const parse = (text: string): unknown => decodeInChunks(Buffer.from(text, 'utf8'), [])

/** Decodes `bytes` pushed in the given chunk sizes (the last one takes the rest). */
function decodeInChunks(bytes: Uint8Array, sizes: Iterable<number>): unknown {
  const decoder = new ExportDecoder()
  const out: unknown[] = []
  let at = 0
  for (const size of sizes) {
    if (at >= bytes.length) break
    out.push(...decoder.push(bytes.subarray(at, at + size)))
    at += size
  }
  if (at < bytes.length) out.push(...decoder.push(bytes.subarray(at)))
  const rest = decoder.end()
  return Array.isArray(rest) ? [...out, ...rest] : rest
}

/** Chunk sizes from a seeded generator: 1 to 64 bytes, so every kind of boundary occurs. */
function* randomSizes(seed: number): Generator<number> {
  let state = seed
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    yield 1 + (state % 64)
  }
}

/** What JSON.parse gives, with the process reports' XML taken out. */
function expected(entities: unknown[]): unknown[] {
  return entities.map(item => {
    const entity = structuredClone(item) as {
      exportEntityType: string
      data?: {configuration?: Record<string, unknown>}
    }
    if (entity.exportEntityType === 'single_process_report') delete entity.data?.configuration?.xml
    return entity
  })
}

/** The template export with BPMN in every process report, as a live Optimize exports it. */
function withProcessXml(): unknown[] {
  return templateExport().map((entity, i) => {
    if (entity.exportEntityType !== 'single_process_report') return entity
    const copy = structuredClone(entity) as unknown as {data: {configuration: {xml?: string}}}
    copy.data.configuration.xml = `<bpmn:definitions id="d${i}" name="Größe \\ "x"">\n<bpmn:process id="p"/>\n</bpmn:definitions>`
    return copy
  })
}

const decision = {
  id: 'dec',
  exportEntityType: 'single_decision_report',
  name: 'Risk "xml":"x" \\',
  data: {
    configuration: {
      xml: '<definitions name="a \\"quoted\\" name">\n  <decision id="d"/>\n</definitions>\\\\'
    }
  }
}

describe('ExportDecoder', () => {
  it("equals JSON.parse of Optimize's own export file, without the process XML, however it is chunked", () => {
    const entities = [...withProcessXml(), decision]
    const text = JSON.stringify(entities)
    expect(text.split('"xml":"').length - 1).toBe(9)
    const bytes = Buffer.from(text)
    const want = expected(entities)
    expect(decodeInChunks(bytes, [])).toEqual(want)
    expect(decodeInChunks(bytes, randomSizes(1))).toEqual(want)
    expect(decodeInChunks(bytes, randomSizes(2))).toEqual(want)
    expect(
      decodeInChunks(
        bytes,
        (function* () {
          for (;;) yield 1
        })()
      )
    ).toEqual(want)
    expect(JSON.stringify(decodeInChunks(bytes, randomSizes(3)))).not.toContain('bpmn')
  })

  it('splits at every offset of a small body, escapes and multi-byte characters included', () => {
    const entities = [
      decision,
      {
        id: 'p',
        exportEntityType: 'single_process_report',
        name: 'Größe "q" \\',
        data: {configuration: {xml: '<x a="\\\\"/>\\\\'}, view: {entity: 'x'}}
      },
      {id: 'd', exportEntityType: 'dashboard', name: '😀', tiles: [{id: 'p'}]}
    ]
    const bytes = Buffer.from(JSON.stringify(entities, null, 1))
    const want = expected(entities)
    for (let split = 0; split <= bytes.length; split++) {
      expect(decodeInChunks(bytes, [split])).toEqual(want)
    }
  })

  it('decodes repeated and nearly identical XML strings, however the body is chunked', () => {
    const bpmn = (tail: string): string =>
      `<bpmn:definitions name="${'Größe \\ "'.repeat(120)}">${tail}</bpmn:definitions>`
    const same = bpmn('<p id="a"/>')
    const variants = [
      same,
      same,
      bpmn('<p id="b"/>'), // differs near the end
      `${same}<more/>`, // longer: another string is its start
      same.slice(0, 1500), // shorter: it ends inside another string
      `${same.slice(0, 700)}\\`, // ends in backslashes where another goes on
      same
    ]
    const report = (xml: string, i: number, type = 'single_process_report') => ({
      id: `r${i}`,
      exportEntityType: type,
      name: `R${i}`,
      data: {configuration: {xml}, visualization: 'bar'}
    })
    const entities = [
      ...variants.map((xml, i) => report(xml, i)),
      report(same, 90, 'single_decision_report'),
      report(variants[5], 91, 'single_decision_report')
    ]
    const bytes = Buffer.from(JSON.stringify(entities))
    const want = expected(entities)
    for (let seed = 1; seed <= 20; seed++) {
      expect(decodeInChunks(bytes, randomSizes(seed * 7919))).toEqual(want)
    }
    for (let split = 0; split <= bytes.length; split += 13) {
      expect(decodeInChunks(bytes, [split, 1000])).toEqual(want)
    }
  })

  it('answers each entity as soon as its last byte is in', () => {
    const entities = withProcessXml()
    const text = JSON.stringify(entities)
    const firstEnd = JSON.stringify(entities[0]).length + 1
    const decoder = new ExportDecoder()
    expect(decoder.push(Buffer.from(text.slice(0, firstEnd - 1)))).toEqual([])
    expect(decoder.push(Buffer.from(text.slice(firstEnd - 1, firstEnd)))).toEqual(
      expected(entities.slice(0, 1))
    )
    expect(decoder.push(Buffer.from(text.slice(firstEnd)))).toEqual(expected(entities.slice(1)))
    expect(decoder.end()).toEqual([])
  })

  it('parses an entity plainly when an xml key sits anywhere else in it', () => {
    const odd = [
      {id: 'x', exportEntityType: 'dashboard', name: 'd', tiles: [], xml: 'not a report'},
      {
        id: 'y',
        exportEntityType: 'single_process_report',
        data: {configuration: {nested: {xml: 'kept'}, xml: '<bpmn/>'}}
      },
      {id: 'z', exportEntityType: 'single_process_report', data: {xml: 'kept', configuration: {}}}
    ]
    const entities = [...withProcessXml(), ...odd]
    expect(parse(JSON.stringify(entities))).toEqual([...expected(withProcessXml()), ...odd])
  })

  it('never takes a string of the entity for its placeholder', () => {
    // The configuration's key is escaped, so only the tile's xml is cut; the
    // configuration's own value looks like the placeholder of that cut.
    const forged =
      '[{"id":"f","exportEntityType":"single_process_report","data":{"configuration":{"\\u0078ml":"\\u0000oac-xml:0"},"tile":{"xml":"<real/>"}}}]'
    expect(parse(forged)).toEqual(JSON.parse(forged))
  })

  it('fails like JSON.parse on a body cut short, wherever it is cut', () => {
    const text = JSON.stringify([decision, ...withProcessXml()])
    const bytes = Buffer.from(text)
    for (const cut of [0, 1, 10, bytes.indexOf('Größe') + 3, bytes.length - 2, bytes.length - 1]) {
      expect(() => decodeInChunks(bytes.subarray(0, cut), randomSizes(cut))).toThrow(SyntaxError)
    }
  })

  it('gives what JSON.parse gives for bodies that are not a plain array of objects', () => {
    for (const text of ['{"a":1}', '[1,{"a":2}]', '[{"a":1},"x"]', '[[{"xml":"y"}]]', ' [ ] ']) {
      expect(decodeInChunks(Buffer.from(text), randomSizes(text.length))).toEqual(JSON.parse(text))
    }
  })

  it('reads what follows its last comma as JSON.parse reads the whole body, however far in', () => {
    const entities = [decision, ...withProcessXml()]
    const head = JSON.stringify(entities).slice(0, -1)
    for (const after of [',"x",{"a":1}]', ',1]', ',[{"xml":"y"}]]', ',null ] ']) {
      const text = `${head}${after}`
      const want = [...expected(entities), ...(JSON.parse(`[${after.slice(1)}`) as unknown[])]
      for (const seed of [1, 2, 3]) {
        expect(decodeInChunks(Buffer.from(text), randomSizes(seed))).toEqual(want)
      }
    }
    for (const after of [
      ',]',
      ',{"a":1} {"b":2}]',
      '}',
      ',{"a":1}]x',
      ',{"a":"\u0001"',
      ',{"a":1'
    ]) {
      const text = `${head}${after}`
      expect(() => JSON.parse(text)).toThrow(SyntaxError)
      expect(() => decodeInChunks(Buffer.from(text), randomSizes(4))).toThrow(SyntaxError)
    }
  })

  it('says where in the body it stopped being JSON', () => {
    const entities = withProcessXml()
    const head = JSON.stringify(entities)
    const text = `${head.slice(0, -1)},{"a":1},]`
    const offset = Buffer.byteLength(`${head.slice(0, -1)},{"a":1},`)
    expect(() => decodeInChunks(Buffer.from(text), randomSizes(5))).toThrow(
      `(in the body from byte ${offset} on, after ${entities.length + 1} entities; read as "[0," and what follows)`
    )
  })

  it('lets each chunk go once it is read: of a 64 MB body, a few MB at most are held', () => {
    // V8's gc(), exposed at run time for this test.
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const entity = (i: number): string =>
      JSON.stringify({
        id: `r${i}`,
        exportEntityType: 'single_process_report',
        name: `R${i}`,
        data: {
          configuration: {
            xml: `<bpmn:definitions id="${i}">${'<p/>'.repeat(8_000)}</bpmn:definitions>`
          }
        }
      })
    const decoder = new ExportDecoder()
    gc()
    const before = process.memoryUsage().arrayBuffers
    let answered = 0
    let peak = 0
    for (let i = 0; i < 2_000; i++) {
      // Each chunk a buffer of its own, as the HTTP client hands them over.
      answered += decoder.push(Buffer.from(`${i ? ',' : '['}${entity(i)}`)).length
      if (i % 500 === 499) {
        gc()
        peak = Math.max(peak, process.memoryUsage().arrayBuffers - before)
      }
    }
    answered += (decoder.push(Buffer.from(']')).length, (decoder.end() as unknown[]).length)
    expect(answered).toBe(2_000)
    // Keeping every chunk held all 64 MB. Node 24 frees buffers' memory on a
    // background thread, shortly after gc(): a few MB may still be counted.
    expect(peak).toBeLessThan(16 * 1024 * 1024)
  })

  it('refuses what is not JSON, even when each entity is', () => {
    for (const text of [
      '[{"a":1} {"b":2}]',
      '[{"a":1},]',
      '[,{"a":1}]',
      '[{"a":1}]x',
      '[{"a":1]}',
      '[{"a":"\u0001"}]',
      '\ufeff[{"a":1}]',
      '[{"xml":"\u0001","exportEntityType":"single_process_report"}]'
    ]) {
      expect(() => decodeInChunks(Buffer.from(text), [])).toThrow(SyntaxError)
    }
  })

  it('reads a pretty-printed body and a body that is a view into a larger buffer', () => {
    const entities = [decision, ...withProcessXml()]
    const pretty = JSON.stringify(entities, null, 2)
    expect(parse(pretty)).toEqual(expected(entities))
    const text = JSON.stringify(entities)
    const padded = Buffer.concat([Buffer.from('xx"xml":"'), Buffer.from(text), Buffer.from('"]')])
    const view = padded.subarray(9, 9 + Buffer.byteLength(text))
    expect(decodeInChunks(view, [])).toEqual(expected(entities))
    expect(parse('[]')).toEqual([])
  })
})
