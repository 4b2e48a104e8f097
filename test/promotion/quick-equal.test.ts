import {describe, expect, it} from 'vitest'
import {deepEqual} from '../../src/entities/json-equal.js'
import {Fingerprinter, indexEntities} from '../../src/entities/promotion-compare.js'
import {QuickEqual} from '../../src/entities/promotion-equal.js'
import type {Entity, Report} from '../../src/optimize/schemas.js'
import {dashboard, processReport, uuid} from './helpers.js'

type Change = (entities: Entity[]) => void

/** One side: two dashboards, a combined report of two reports, a standalone report. */
function side(offset: number): Entity[] {
  const id = (n: number): string => uuid(n + offset)
  const reports = [1, 2, 3, 4, 5].map(n => ({...processReport(n + offset, `Report ${n}`)}))
  const combined = {
    ...processReport(6 + offset, 'Combined'),
    exportEntityType: 'combined_report',
    data: {
      configuration: {xml: null},
      visualization: 'line',
      reports: [
        {id: id(1), color: '#111'},
        {id: id(2), color: '#222'}
      ]
    }
  } as unknown as Report
  return [
    ...reports,
    combined,
    dashboard(10 + offset, 'Operations', [id(1), id(2), id(6)]),
    dashboard(11 + offset, 'Finance', [id(3), id(4)])
  ]
}

const byName = (entities: Entity[], name: string): Record<string, unknown> =>
  entities.find(e => e.name === name) as unknown as Record<string, unknown>
const data = (entities: Entity[], name: string): Record<string, unknown> =>
  byName(entities, name).data as Record<string, unknown>
const tiles = (entities: Entity[], name: string): Record<string, unknown>[] =>
  byName(entities, name).tiles as Record<string, unknown>[]

/** Changes to the second side: some keep the fingerprint, some change it. */
const changes: Record<string, Change> = {
  nothing: () => {},
  'ids, collection and index version': e => {
    for (const entity of e) Object.assign(entity, {collectionId: 'other', sourceIndexVersion: 3})
  },
  'description null → absent': e => void delete byName(e, 'Report 1').description,
  'description text': e => void (byName(e, 'Report 1').description = 'new'),
  'dashboard description absent': e => void delete byName(e, 'Finance').description,
  'instant preview false': e => void (byName(e, 'Finance').instantPreviewDashboard = false),
  'instant preview true': e => void (byName(e, 'Finance').instantPreviewDashboard = true),
  'report name': e => void (byName(e, 'Report 4').name = 'Renamed'),
  'process XML': e => void ((data(e, 'Report 1').configuration as {xml?: string}).xml = '<x/>'),
  'configuration value': e =>
    void ((data(e, 'Report 2').configuration as {color: string}).color = 'red'),
  'configuration null': e => void (data(e, 'Report 2').configuration = null),
  'configuration array': e => void (data(e, 'Report 2').configuration = []),
  userTaskReport: e => void (data(e, 'Report 3').userTaskReport = true),
  'undefined field': e => void (data(e, 'Report 3').extra = undefined),
  'new field': e => void (data(e, 'Report 3').extra = 1),
  'versions reordered': e => {
    const [definition] = data(e, 'Report 5').definitions as {versions: string[]}[]
    definition.versions = ['2', '1']
    const [original] = data(e, 'Report 4').definitions as {versions: string[]}[]
    original.versions = ['1', '2']
  },
  'definitions not an array': e => void (data(e, 'Report 5').definitions = null),
  'combined part color': e =>
    void ((data(e, 'Combined').reports as {color: string}[])[1].color = '#999'),
  'combined part order': e => void (data(e, 'Combined').reports as unknown[]).reverse(),
  'combined part missing': e =>
    void ((data(e, 'Combined').reports as {id: string}[])[0].id = uuid(999)),
  'combined cycle': e =>
    void ((data(e, 'Combined').reports as {id: string}[])[0].id = String(byName(e, 'Combined').id)),
  'child changed': e => void (data(e, 'Report 2').visualization = 'bar'),
  'tiles reordered in the array': e => void tiles(e, 'Operations').reverse(),
  'tile moved': e => void (tiles(e, 'Operations')[1].position = {x: 12, y: 9}),
  'tiles sharing a cell': e =>
    void (tiles(e, 'Operations')[2].position = {...(tiles(e, 'Operations')[1].position as object)}),
  'tile position not numbers': e => void (tiles(e, 'Finance')[1].position = {x: '0', y: 1}),
  'tile configuration undefined': e => void delete tiles(e, 'Finance')[1].configuration,
  'text tile id': e => void (tiles(e, 'Finance')[0].id = 'note'),
  'report tile points elsewhere': e =>
    void (tiles(e, 'Finance')[1].id = String(byName(e, 'Report 5').id)),
  'report tile to text tile': e => void (tiles(e, 'Finance')[1].id = 'text'),
  'tile missing report': e => void (tiles(e, 'Finance')[1].id = uuid(998)),
  'tile extra field': e => void (tiles(e, 'Finance')[1].extra = {a: 1})
}

/** Changes to both sides: what the walk leaves to the fingerprints must still come out equal. */
const both: Record<string, Change> = {
  'combined cycle': changes['combined cycle'],
  'tiles sharing a cell': changes['tiles sharing a cell'],
  'configuration array': changes['configuration array'],
  'tile missing report': changes['tile missing report']
}

describe('the quick walk of two units', () => {
  const cases = [
    ...Object.entries(changes).map(([name, change]) => ({name, a: () => {}, b: change})),
    ...Object.entries(both).map(([name, change]) => ({
      name: `${name} (both)`,
      a: change,
      b: change
    }))
  ]
  for (const {name, a: changeA, b: changeB} of cases) {
    it(`agrees with the fingerprints: ${name}`, () => {
      const a = side(0)
      const b = side(100)
      changeA(a)
      changeB(b)
      const indexA = indexEntities(a)
      const indexB = indexEntities(b)
      const printsA = new Fingerprinter(indexA)
      const printsB = new Fingerprinter(indexB)
      const quick = new QuickEqual(indexA.reports, indexB.reports)
      for (const unit of ['Operations', 'Finance', 'Report 5', 'Combined', 'Report 1']) {
        const x = a.find(e => e.name === unit) as Entity
        const y = b.find(e => e.name === unit) as Entity
        const fingerprints = deepEqual(printsA.of(x), printsB.of(y))
        // Only ever "equal" when the fingerprints are; the fingerprints decide the rest.
        if (quick.units(x, y)) expect(fingerprints, unit).toBe(true)
        expect(printsA.equals(x, printsB, y), unit).toBe(fingerprints)
      }
    })
  }

  it('vouches for equal units itself, whatever their ids', () => {
    const a = side(0)
    const b = side(100)
    changes['ids, collection and index version'](b)
    changes['tiles reordered in the array'](b)
    changes['process XML'](b)
    changes['versions reordered'](a)
    changes['versions reordered'](b)
    const quick = new QuickEqual(indexEntities(a).reports, indexEntities(b).reports)
    for (const unit of ['Operations', 'Finance', 'Report 5', 'Combined'])
      expect(
        quick.units(a.find(e => e.name === unit) as Entity, b.find(e => e.name === unit) as Entity),
        unit
      ).toBe(true)
  })
})
