import {describe, expect, it} from 'vitest'
import {identityKeys, matchEntities} from '../../src/entities/identity.js'
import type {EntityIndex} from '../../src/entities/promotion-compare.js'
import type {CombinedReport, Dashboard, Report} from '../../src/optimize/schemas.js'
import {dashboard, report, reportTile, uuid} from '../github/builders.js'

function indexOf(dashboards: Dashboard[], reports: Report[]): EntityIndex {
  return {dashboards, reports: new Map(reports.map(r => [r.id, r]))}
}

function combined(id: string, name: string, children: string[]): CombinedReport {
  return {
    id,
    name,
    description: null,
    exportEntityType: 'combined_report',
    sourceIndexVersion: 5,
    data: {configuration: {}, visualization: 'bar', reports: children.map(c => ({id: c}))}
  } as unknown as CombinedReport
}

/** A dev collection: two dashboards showing reports of one name, a combined report, a standalone one. */
function collection(ids: (n: number) => string): EntityIndex {
  const started = (n: number): Report => report(ids(n), 'Started per month')
  const reports = [
    started(1),
    started(2),
    started(3),
    report(ids(4), 'Cycle time', {visualization: 'pie'}),
    combined(ids(5), 'Trend', [ids(6), ids(7)]),
    report(ids(6), 'Part'),
    report(ids(7), 'Part'),
    report(ids(8), 'Standalone KPI')
  ]
  const dashboards = [
    dashboard(ids(101), 'Sales', [reportTile(ids(1), 0, 0), reportTile(ids(4), 6, 0)]),
    // One name twice on a dashboard: told apart by reading order.
    dashboard(ids(102), 'Ops', [
      reportTile(ids(3), 6, 0),
      reportTile(ids(2), 0, 0),
      reportTile(ids(5), 0, 4)
    ])
  ]
  return indexOf(dashboards, reports)
}

/** The same collection after Optimize made every dashboard and report anew (an import does). */
const original = collection(n => uuid(n))
const reimported = collection(n => uuid(0x9000 + n))

describe('identityKeys', () => {
  it('gives a re-created dashboard and every report it reaches the keys they had', () => {
    const before = identityKeys(original)
    const after = identityKeys(reimported)

    const renumber = (keys: Map<string, string>): Map<string, string> =>
      new Map(
        [...keys].map(([id, key]) => [uuid(0x9000 + parseInt(id.slice(-12), 16)), key] as const)
      )
    expect(after.dashboards).toEqual(renumber(before.dashboards))
    expect(after.reports).toEqual(renumber(before.reports))
  })

  it('keys dashboards by name, reports through their dashboard, standalone reports by name', () => {
    const keys = identityKeys(original)

    expect(keys.dashboards.get(uuid(101))).toBe('["dashboard","Sales"]')
    expect(keys.reports.get(uuid(1))).toBe('["dashboard","Sales","report","Started per month"]')
    // Ops: the tile at (0,0) comes first in reading order, whatever its id.
    expect(keys.reports.get(uuid(2))).toBe('["dashboard","Ops","report","Started per month"]')
    expect(keys.reports.get(uuid(3))).toBe('["dashboard","Ops","report","Started per month","#2"]')
    expect(keys.reports.get(uuid(7))).toBe(
      '["dashboard","Ops","report","Trend","report","Part","#2"]'
    )
    expect(keys.reports.get(uuid(8))).toBe('["report","Standalone KPI"]')
    expect(new Set(keys.reports.values()).size).toBe(8)
  })

  it('tells dashboards of one name apart by id, the smallest keeping the plain key', () => {
    const keys = identityKeys(indexOf([dashboard(uuid(2), 'Twin'), dashboard(uuid(1), 'Twin')], []))

    expect(keys.dashboards.get(uuid(1))).toBe('["dashboard","Twin"]')
    expect(keys.dashboards.get(uuid(2))).toBe(`["dashboard","Twin","#${uuid(2)}"]`)
  })
})

describe('matchEntities', () => {
  it('pairs a re-created dashboard and its reports with their old versions', () => {
    const matching = matchEntities(original, reimported)

    expect(matching.dashboards.map(([a, b]) => [a?.name, b?.id])).toEqual([
      ['Sales', uuid(0x9000 + 101)],
      ['Ops', uuid(0x9000 + 102)]
    ])
    for (const [was, is] of matching.reports) {
      expect(is?.id).toBe(uuid(0x9000 + parseInt((was as Report).id.slice(-12), 16)))
    }
  })

  it('pairs by id what a rename or two same-named tiles trading places would split', () => {
    const renamed = structuredClone(original)
    renamed.dashboards[0].name = 'Sales 2024'
    // The two "Started per month" tiles of Ops trade places: their keys trade too.
    const [first, second] = renamed.dashboards[1].tiles
    ;[first.position, second.position] = [second.position, first.position]

    const matching = matchEntities(original, renamed)

    expect(matching.dashboards.every(([a, b]) => a?.id === b?.id)).toBe(true)
    expect(matching.reports.every(([a, b]) => a?.id === b?.id)).toBe(true)
  })

  it('pairs dashboards by name before id, as plan does', () => {
    // "Sales" was renamed "Old sales", and a new "Sales" took its name.
    const before = indexOf([dashboard(uuid(1), 'Sales')], [])
    const after = indexOf([dashboard(uuid(1), 'Old sales'), dashboard(uuid(2), 'Sales')], [])

    const matching = matchEntities(before, after)

    expect(matching.dashboards.map(([a, b]) => [a?.id, b?.id])).toEqual([
      [uuid(1), uuid(2)],
      [undefined, uuid(1)]
    ])
  })
})
