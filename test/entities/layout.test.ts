import {describe, expect, it} from 'vitest'
import {
  assignFileNames,
  layoutTree,
  MANIFEST_FILE,
  slugFor,
  type EntityTree
} from '../../src/entities/layout.js'
import {normalizeEntity} from '../../src/entities/normalize.js'
import type {Report} from '../../src/optimize/schemas.js'
import {dashboard, report, reportTile, tree, uuid} from '../github/builders.js'
import {templateExport} from '../helpers/fixtures.js'

function fixtureTree(): EntityTree {
  const entities = templateExport()
  return {
    dashboards: entities
      .filter(e => e.exportEntityType === 'dashboard')
      .map(e => normalizeEntity(e)),
    reports: entities.filter(e => e.exportEntityType !== 'dashboard').map(e => normalizeEntity(e))
  }
}

describe('slugFor', () => {
  it.each([
    ['processDashboard_currentlyRunningProcesses', 'process-dashboard-currently-running-processes'],
    ['Ärger über Straße', 'aerger-ueber-strasse'],
    ['../../etc/passwd', 'etc-passwd'],
    ['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j'],
    ['\u202Eevil\u0000\u0007', 'evil'],
    ['CON', 'report-con'],
    ['lpt1', 'report-lpt1'],
    ['日本語', 'report'],
    ['', 'report']
  ])('%j → %j', (name, slug) => {
    expect(slugFor(name, 'report')).toBe(slug)
  })

  it('keeps file names short for 10,000-character names', () => {
    expect(slugFor('x'.repeat(10_000), 'report').length).toBeLessThanOrEqual(60)
  })
})

describe('assignFileNames', () => {
  it('suffixes every member of a collision with a hash of its identity, independent of order', () => {
    const a = {id: 'id-a', name: 'Sales', key: 'key-a'}
    const b = {id: 'id-b', name: 'sales', key: 'key-b'}
    const c = {id: 'id-c', name: 'Other', key: 'key-c'}
    const forward = assignFileNames([a, b, c], 'report')
    const backward = assignFileNames([c, b, a], 'report')
    expect(forward).toEqual(backward)
    expect(forward.get('id-c')).toBe('other')
    expect(forward.get('id-a')).toMatch(/^sales-[0-9a-f]{8}$/)
    expect(forward.get('id-a')).not.toBe(forward.get('id-b'))
  })
})

describe('layoutTree', () => {
  it('writes one file per entity, a manifest, and nothing else', () => {
    const files = layoutTree(fixtureTree())
    const paths = files.map(f => f.path)
    expect(paths.filter(p => p.startsWith('reports/'))).toHaveLength(8)
    expect(paths.filter(p => p.startsWith('dashboards/'))).toEqual([
      'dashboards/process-dashboard.json'
    ])
    expect(paths.at(-1)).toBe(MANIFEST_FILE)
    const manifest = JSON.parse(files.at(-1)!.content)
    expect(manifest.files).toEqual(paths.slice(0, -1))
    expect(manifest.entities).toHaveLength(9)
    expect(files.at(-1)!.content).not.toMatch(/\d{4}-\d{2}-\d{2}T/)
  })

  it('is byte-identical whatever order the entities come in', () => {
    const tree = fixtureTree()
    const reversed = {
      dashboards: [...tree.dashboards].reverse(),
      reports: [...tree.reports].reverse()
    }
    expect(layoutTree(reversed)).toEqual(layoutTree(tree))
  })

  it('adds the extra files a dashboard asks for beside its JSON', () => {
    const files = layoutTree(fixtureTree(), dashboard => [
      {extension: 'svg', content: `<svg>${dashboard.tiles.length}</svg>`}
    ])
    expect(files.find(f => f.path === 'dashboards/process-dashboard.svg')?.content).toBe(
      '<svg>14</svg>'
    )
  })

  it('keeps every file name when Optimize re-creates a dashboard and its reports with new ids', () => {
    // Names collide across dashboards and on one dashboard, so every report file has a suffix.
    const exported = (ids: (n: number) => string) => {
      const started = (n: number): Report => report(ids(n), 'Started per month')
      return tree(
        [
          dashboard(ids(101), 'Sales', [reportTile(ids(1), 0, 0), reportTile(ids(2), 6, 0)]),
          dashboard(ids(102), 'Ops', [reportTile(ids(3), 0, 0)]),
          dashboard(ids(103), 'sales', [])
        ],
        [started(1), started(2), started(3)]
      )
    }
    const before = layoutTree(exported(n => uuid(n)))
    // Re-imported: same names and layout, every id new.
    const after = layoutTree(exported(n => uuid(0x5000 + n)))

    const paths = (files: typeof before) => files.map(f => f.path)
    expect(paths(after)).toEqual(paths(before))
    expect(paths(before).filter(p => p.startsWith('reports/'))).toEqual([
      expect.stringMatching(/^reports\/started-per-month-[0-9a-f]{8}\.json$/),
      expect.stringMatching(/^reports\/started-per-month-[0-9a-f]{8}\.json$/),
      expect.stringMatching(/^reports\/started-per-month-[0-9a-f]{8}\.json$/)
    ])
    // The manifest names the new ids under the old file names.
    const manifest = (files: typeof before) =>
      JSON.parse(files.at(-1)!.content).entities.map((e: {file: string; id: string}) => e.file)
    expect(manifest(after)).toEqual(manifest(before))
    // The report on Sales at (6,0) is in the same file before and after.
    const fileOf = (files: typeof before, id: string) =>
      files.find(f => f.entity?.entity.id === id)?.path
    expect(fileOf(after, uuid(0x5000 + 2))).toBe(fileOf(before, uuid(2)))
  })
})
