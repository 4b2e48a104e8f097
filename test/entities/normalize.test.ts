import {describe, expect, it} from 'vitest'
import {toCanonicalJson} from '../../src/entities/canonical-json.js'
import {normalizeEntity, toImportPayload} from '../../src/entities/normalize.js'
import type {Dashboard, DecisionReport, ProcessReport} from '../../src/optimize/schemas.js'
import {templateExport} from '../helpers/fixtures.js'

const fixture = templateExport()
const processReport = fixture.find(
  e => e.exportEntityType === 'single_process_report'
) as ProcessReport
const dashboard = fixture.find(e => e.exportEntityType === 'dashboard') as Dashboard

describe('normalizeEntity', () => {
  it('drops the environment-specific collectionId and the derived userTaskReport', () => {
    const {entity} = normalizeEntity({...processReport, collectionId: 'dev-collection'})
    expect(entity).not.toHaveProperty('collectionId')
    expect(entity.data).not.toHaveProperty('userTaskReport')
    expect(processReport.data).toHaveProperty('userTaskReport')
  })

  it('drops the BPMN XML of process reports, which Optimize refills on import', () => {
    const withXml = structuredClone(processReport)
    ;(withXml.data.configuration as Record<string, unknown>).xml = '<definitions/>'
    const {entity, decisionXml} = normalizeEntity(withXml)
    expect(entity.data.configuration).not.toHaveProperty('xml')
    expect(decisionXml).toBeUndefined()
  })

  it('moves the DMN XML of decision reports to a sidecar and back for import', () => {
    const decision = {
      ...structuredClone(processReport),
      exportEntityType: 'single_decision_report',
      data: {...structuredClone(processReport.data), configuration: {xml: '<dmn/>', color: '#000'}}
    } as DecisionReport
    const {entity, decisionXml} = normalizeEntity(decision)
    expect(decisionXml).toBe('<dmn/>')
    expect(entity.data.configuration).toEqual({color: '#000'})
    expect((toImportPayload(entity, decisionXml) as DecisionReport).data.configuration).toEqual({
      color: '#000',
      xml: '<dmn/>'
    })
  })

  it('sorts definition versions numerically and tenants with null first', () => {
    const report = structuredClone(processReport)
    report.data.definitions = [
      {key: 'k', versions: ['10', '2', 'latest', '1'], tenantIds: ['sales', null, 'csm']}
    ]
    const {entity} = normalizeEntity(report)
    expect(entity.data.definitions?.[0]).toEqual({
      key: 'k',
      versions: ['latest', '1', '2', '10'],
      tenantIds: [null, 'csm', 'sales']
    })
  })

  it('orders tiles by position whatever order Optimize returns them in', () => {
    const shuffled = structuredClone(dashboard)
    shuffled.tiles.reverse()
    expect(toCanonicalJson(normalizeEntity(shuffled).entity)).toBe(
      toCanonicalJson(normalizeEntity(dashboard).entity)
    )
    const positions = normalizeEntity(shuffled).entity.tiles.map(t => [t.position.y, t.position.x])
    expect(positions).toEqual([...positions].sort((a, b) => a[0] - b[0] || a[1] - b[1]))
  })

  it('does not modify its input', () => {
    const before = toCanonicalJson(dashboard)
    normalizeEntity(dashboard)
    expect(toCanonicalJson(dashboard)).toBe(before)
  })
})
