import {describe, expect, it} from 'vitest'
import {parseExportOmittingProcessXml} from '../../src/entities/export-text.js'

const parse = (text: string): unknown => parseExportOmittingProcessXml(Buffer.from(text, 'utf8'))
import {templateExport} from '../helpers/fixtures.js'

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
      xml: '<definitions name="a \\"quoted\\" name">\n  <decision id="d"/>\n</definitions>\\'
    }
  }
}

describe('parseExportOmittingProcessXml', () => {
  it("equals JSON.parse of Optimize's own export file, without the process XML", () => {
    const entities = withProcessXml()
    const text = JSON.stringify(entities)
    expect(text.split('"xml":"').length - 1).toBe(8)
    const parsed = parse(text)
    expect(parsed).toEqual(expected(entities))
    expect(JSON.stringify(parsed)).not.toContain('bpmn')
  })

  it('keeps a decision report’s DMN exactly, escapes included', () => {
    const entities = [...withProcessXml(), decision]
    expect(parse(JSON.stringify(entities))).toEqual(expected(entities))
  })

  it('parses the whole text plainly when an xml key sits anywhere else', () => {
    const odd = [
      ...withProcessXml(),
      {id: 'x', exportEntityType: 'dashboard', name: 'd', tiles: [], xml: 'not a report'},
      {
        id: 'y',
        exportEntityType: 'single_process_report',
        data: {configuration: {nested: {xml: 'kept'}}}
      }
    ]
    const text = JSON.stringify(odd)
    expect(parse(text)).toEqual(JSON.parse(text))
  })

  it('fails like JSON.parse on a body cut short, wherever it is cut', () => {
    const text = JSON.stringify([decision, ...withProcessXml()])
    const bytes = Buffer.byteLength(text)
    for (const cut of [10, Buffer.from(text).indexOf('Größe') + 3, bytes - 1]) {
      expect(() => parseExportOmittingProcessXml(Buffer.from(text).subarray(0, cut))).toThrow(
        SyntaxError
      )
    }
  })

  it('reads a body that is a view into a larger buffer', () => {
    const text = JSON.stringify([decision, ...withProcessXml()])
    const padded = Buffer.concat([Buffer.from('xx"xml":"'), Buffer.from(text), Buffer.from('"]')])
    const view = padded.subarray(9, 9 + Buffer.byteLength(text))
    expect(parseExportOmittingProcessXml(view)).toEqual(expected(JSON.parse(text) as unknown[]))
  })

  it('reads a pretty-printed body (no cut) and a body without XML', () => {
    const pretty = JSON.stringify(withProcessXml(), null, 2)
    expect(parse(pretty)).toEqual(JSON.parse(pretty))
    expect(parse('[]')).toEqual([])
  })
})
