import {describe, expect, it} from 'vitest'
import {
  escapeMarkdown,
  hasChanges,
  MAX_PICTURES,
  renderSummaryMarkdown,
  summarizeChanges,
  summaryCounts,
  type ChangeSummary
} from '../../src/github/summary.js'
import type {Dashboard, ProcessReport} from '../../src/optimize/schemas.js'
import {dashboard, edited, report, reportTile, textTile, tree, urlTile, uuid} from './builders.js'

const P75 = uuid(1)
const INVOICES = uuid(2)
const LONELY = uuid(3)
const p75 = report(P75, 'p75 duration', {visualization: 'bar'})
const invoices = report(INVOICES, 'Invoices per day', {visualization: 'bar'})
const lonely = report(LONELY, 'Standalone report')
const sales = dashboard('dash-sales', 'Sales overview', [
  textTile('Welcome', 0, 0),
  reportTile(P75, 0, 1),
  reportTile(INVOICES, 6, 1),
  urlTile('https://status.example.com/page', 12, 1)
])
const before = tree([sales], [p75, invoices, lonely])

type Case = {
  name: string
  dashboards?: (d: Dashboard) => void
  reports?: Record<string, (r: ProcessReport) => void>
  expected: string[]
}

const cases: Case[] = [
  {
    name: 'a moved tile',
    dashboards: d => (d.tiles[1].position = {x: 0, y: 5}),
    expected: ['**Sales overview** — tile *p75 duration* moved from (0,1) to (0,5)']
  },
  {
    name: 'a resized tile',
    dashboards: d => (d.tiles[2].dimensions = {width: 12, height: 4}),
    expected: ['tile *Invoices per day* resized from 6×4 to 12×4']
  },
  {
    name: 'a removed tile',
    dashboards: d => d.tiles.splice(2, 1),
    expected: ['tile *Invoices per day* removed from (6,1)']
  },
  {
    name: 'an added text tile',
    dashboards: d => d.tiles.push(textTile('Footer', 0, 9)),
    expected: ['text tile added at (0,9), 18×1']
  },
  {
    name: 'a moved text tile (same text elsewhere)',
    dashboards: d => (d.tiles[0].position = {x: 0, y: 20}),
    expected: ['text tile moved from (0,0) to (0,20)']
  },
  {
    name: 'an edited text tile',
    dashboards: d => (d.tiles[0] = textTile('Hello', 0, 0)),
    expected: ['text tile at (0,0) text edited']
  },
  {
    name: 'a renamed dashboard',
    dashboards: d => (d.name = 'Sales'),
    expected: ['**Sales** — renamed from **Sales overview**', '1 changed (1 renamed)']
  },
  {
    name: 'dashboard filters',
    dashboards: d => (d.availableFilters = [{type: 'state'}]),
    expected: ['filters added: state']
  },
  {
    name: 'a visualization change',
    reports: {[INVOICES]: r => (r.data.visualization = 'line')},
    expected: [
      '- **Sales overview**\n  - report *Invoices per day* — visualization bar → line',
      '**Reports:** 1 changed'
    ]
  },
  {
    name: 'view, group-by and distributed-by changes',
    reports: {
      [P75]: r => {
        r.data.view = {entity: 'flowNode', properties: ['duration']}
        r.data.groupBy = {type: 'endDate', value: {unit: 'month'}}
        r.data.distributedBy = {type: 'variable', value: {name: 'region', type: 'String'}}
      }
    },
    expected: [
      'view processInstance frequency → flowNode duration',
      'group-by none → endDate month',
      'distributed-by none → variable region String'
    ]
  },
  {
    name: 'filters added, removed and changed',
    reports: {
      [P75]: r => {
        r.data.filter = [
          {type: 'instanceEndDate', data: {type: 'rolling', start: {value: 7, unit: 'days'}}},
          {type: 'runningInstancesOnly', data: null}
        ]
      },
      [INVOICES]: r => (r.data.filter = [{type: 'instanceEndDate', data: {type: 'fixed'}}])
    },
    expected: [
      '- report *p75 duration* — filter added: instanceEndDate rolling 7 days, runningInstancesOnly'
    ]
  },
  {
    name: 'definitions: versions and tenants',
    reports: {
      [P75]: r => {
        r.data.definitions = [
          {key: 'invoice', versions: ['3'], tenantIds: [null, 'eu']},
          {key: 'order', versions: ['all']}
        ]
      }
    },
    expected: [
      'definition added: order (versions all)',
      'definition changed: invoice: versions all → 3, tenants default → default, eu'
    ]
  },
  {
    name: 'configuration paths',
    reports: {
      [P75]: r => {
        r.data.configuration = {precision: 2, targetValue: {active: true, values: {target: 10}}}
      }
    },
    expected: ['configuration: precision: null → 2, targetValue.active: false → true']
  },
  {
    name: 'a renamed report and other fields',
    reports: {
      [LONELY]: r => {
        r.name = 'Lonely'
        r.data.managementReport = true
      }
    },
    expected: [
      '### Reports not on a dashboard\n\n- report *Lonely* — renamed from *Standalone report*; also changed: data.managementReport'
    ]
  }
]

describe('summarizeChanges + renderSummaryMarkdown', () => {
  it.each(cases)('describes $name', ({dashboards, reports, expected}) => {
    const after = tree(
      [edited(sales, d => dashboards?.(d))],
      [p75, invoices, lonely].map(r => edited(r, copy => reports?.[r.id]?.(copy)))
    )

    const markdown = renderSummaryMarkdown(summarizeChanges(before, after))

    for (const text of expected) expect(markdown).toContain(text)
  })

  it('reports added and removed dashboards and reports, with counts', () => {
    const extra = report(uuid(9), 'Cycle time', {visualization: 'line'})
    const board = dashboard('dash-ops', 'Ops', [reportTile(extra.id, 0, 0)])
    const after = tree([board], [p75, extra])

    const summary = summarizeChanges(before, after)

    expect(summaryCounts(summary)).toEqual({
      dashboards: {added: 1, removed: 1, changed: 0, renamed: 0},
      reports: {added: 1, removed: 2, changed: 0, renamed: 0}
    })
    const markdown = renderSummaryMarkdown(summary)
    expect(markdown).toContain(
      '**Dashboards:** 1 added, 1 removed · **Reports:** 1 added, 2 removed'
    )
    expect(markdown).toContain(
      '- **Ops** — added, 1 tile\n  - report *Cycle time* — added (process report, line)'
    )
    // What is gone folds away: a removed dashboard's reports are not listed under it.
    expect(markdown).toContain('- **Sales overview** — removed\n\n<details>')
    expect(markdown).toContain(
      [
        '<details><summary>2 reports removed</summary>',
        '',
        '- report *Invoices per day* — removed (process report, bar), on **Sales overview**',
        '- report *Standalone report* — removed (process report, number)',
        '',
        '</details>'
      ].join('\n')
    )
    expect(markdown).not.toContain('### Reports not on a dashboard')
  })

  it('pairs a removed and an added filter of one type as a changed filter', () => {
    const rolling = (value: number): Record<string, unknown> => ({
      type: 'instanceEndDate',
      data: {type: 'rolling', start: {value, unit: 'months'}, end: null}
    })
    const old = report(uuid(30), 'Ended', {filter: [rolling(6), {type: 'canceledInstancesOnly'}]})
    const now = edited(old, r => (r.data.filter = [rolling(7)]))

    const markdown = renderSummaryMarkdown(summarizeChanges(tree([], [old]), tree([], [now])))

    expect(markdown).toContain(
      '- report *Ended* — filter removed: canceledInstancesOnly; filter changed: instanceEndDate rolling 6 months → rolling 7 months'
    )
  })

  it('finds nothing between equal trees', () => {
    const summary = summarizeChanges(before, structuredClone(before))

    expect(hasChanges(summary)).toBe(false)
    expect(renderSummaryMarkdown(summary)).toBe(
      '## Optimize changes\n\n**Dashboards:** no changes · **Reports:** no changes\n'
    )
  })

  it('gives the same bytes whatever order the entities come in', () => {
    const after = tree(
      [edited(sales, d => d.tiles.reverse())],
      [lonely, invoices, edited(p75, r => (r.data.visualization = 'line'))]
    )
    const shuffled = tree(
      [...after.dashboards].map(d => d.entity),
      [...after.reports].reverse().map(r => r.entity)
    )

    expect(renderSummaryMarkdown(summarizeChanges(before, shuffled))).toBe(
      renderSummaryMarkdown(summarizeChanges(before, after))
    )
  })

  it('sorts entities by name, then id', () => {
    const a = report(uuid(20), 'same')
    const b = report(uuid(21), 'same')
    const c = report(uuid(22), 'alpha')
    const summary = summarizeChanges(tree([], []), tree([], [b, c, a]))
    expect(summary.reports.map(r => r.id)).toEqual([c.id, a.id, b.id])
  })
})

describe('a dashboard re-created in Optimize (an import gives it and its reports new ids)', () => {
  const reimport = (id: string): string => id.replace(/^0{8}/, 'feedbeef')
  const withNewIds = (board: Dashboard): Dashboard =>
    edited(board, d => {
      d.id = `${d.id}-2`
      for (const tile of d.tiles) if (tile.type === 'optimize_report') tile.id = reimport(tile.id)
    })
  const pie = report(P75, 'p75 duration', {visualization: 'pie'})
  const old = tree([sales], [pie, invoices, lonely])

  it('is the same dashboard, changed, with its real differences', () => {
    const now = tree(
      [withNewIds(sales)],
      [
        edited(pie, r => {
          r.id = reimport(r.id)
          r.data.visualization = 'bar'
        }),
        edited(invoices, r => (r.id = reimport(r.id))),
        lonely
      ]
    )

    const summary = summarizeChanges(old, now)
    const markdown = renderSummaryMarkdown(summary)

    expect(summaryCounts(summary)).toEqual({
      dashboards: {added: 0, removed: 0, changed: 1, renamed: 0},
      reports: {added: 0, removed: 0, changed: 1, renamed: 0}
    })
    expect(markdown).toContain(
      [
        '- **Sales overview** — re-created in Optimize (new ids for it and its reports)',
        '  - report *p75 duration* — visualization pie → bar'
      ].join('\n')
    )
    expect(markdown).not.toMatch(/added|removed|tile \*/)
  })

  it('shows its tile changes against the old tiles, whatever their ids', () => {
    const now = tree(
      [edited(withNewIds(sales), d => (d.tiles[2].position = {x: 6, y: 9}))],
      [pie, invoices, lonely].map(r =>
        edited(r, c => (c.id = c === lonely ? c.id : reimport(c.id)))
      )
    )

    const markdown = renderSummaryMarkdown(summarizeChanges(old, now))

    expect(markdown).toContain('tile *Invoices per day* moved from (6,1) to (6,9)')
    expect(summaryCounts(summarizeChanges(old, now)).reports).toEqual({
      added: 0,
      removed: 0,
      changed: 0,
      renamed: 0
    })
  })
})

describe('links and pictures', () => {
  const links = (id: string) => ({
    json: `https://github.test/o/r/blob/b/optimize/dashboards/${id}.json`,
    svg: `https://github.test/o/r/blob/b/optimize/dashboards/${id}.svg`,
    picture: `https://github.test/o/r/blob/b/optimize/dashboards/${id}.svg?raw=true`,
    optimize: `https://optimize.test/#/dashboard/${id}/`
  })

  it('links each dashboard to its files and to Optimize, and pictures the changed ones', () => {
    const after = tree(
      [edited(sales, d => (d.tiles[1].position = {x: 0, y: 5}))],
      [p75, invoices, lonely]
    )

    const markdown = renderSummaryMarkdown(summarizeChanges(before, after), {links})

    expect(markdown).toContain(
      '- **Sales overview** — tile *p75 duration* moved from (0,1) to (0,5) · [JSON](https://github.test/o/r/blob/b/optimize/dashboards/dash-sales.json) · [SVG](https://github.test/o/r/blob/b/optimize/dashboards/dash-sales.svg) · [Optimize](https://optimize.test/#/dashboard/dash-sales/)'
    )
    expect(markdown).toContain(
      '**Sales overview**\n\n![Sales overview](https://github.test/o/r/blob/b/optimize/dashboards/dash-sales.svg?raw=true)'
    )
  })

  it('links and pictures no removed dashboard, and pictures at most ten', () => {
    const boards = Array.from({length: 12}, (_, i) => dashboard(`board-${i}`, `Board ${i}`))
    const markdown = renderSummaryMarkdown(summarizeChanges(before, tree(boards, [])), {
      links: id => (id === 'dash-sales' ? undefined : links(id))
    })

    expect(markdown).toContain('- **Sales overview** — removed\n')
    expect(markdown.match(/!\[/g)).toHaveLength(MAX_PICTURES)
    expect(markdown).toContain('_2 more dashboards changed: see their .svg files._')
  })
})

describe('the size fallback', () => {
  const many = Array.from({length: 400}, (_, i) => report(uuid(1000 + i), `Report number ${i}`))
  const changed = many.map(r =>
    edited(r, copy => {
      copy.data.visualization = 'line'
      copy.data.configuration = {precision: 3}
    })
  )
  const summary: ChangeSummary = summarizeChanges(tree([], many), tree([], changed))

  it('keeps full detail when it fits', () => {
    expect(renderSummaryMarkdown(summary)).toContain('visualization number → line')
  })

  it('falls back to one line per entity, then to counts only, with a note', () => {
    const full = renderSummaryMarkdown(summary)
    const compact = renderSummaryMarkdown(summary, {maxLength: full.length - 1})
    expect(compact.length).toBeLessThan(full.length)
    expect(compact).toContain('_One line per dashboard and report')
    expect(compact).toContain('- report *Report number 1* — changed: visualization, configuration')

    const counts = renderSummaryMarkdown(summary, {maxLength: compact.length - 1})
    expect(counts).toBe(
      `## Optimize changes\n\n**Dashboards:** no changes · **Reports:** 400 changed\n\n_The list of changes is longer than ${compact.length - 1} characters; see the changed files._\n`
    )
  })

  it('lists whenever a listing fits, however long the names are before escaping', () => {
    const compact = renderSummaryMarkdown(summary, {
      maxLength: renderSummaryMarkdown(summary).length - 1
    })
    const exact = renderSummaryMarkdown(summary, {maxLength: compact.length})
    expect(exact).toContain('- report *Report number 399* — changed: visualization')
    // Format characters (zero-width spaces) are dropped by escaping: the names print short.
    const hidden = many.map(r => ({...r, name: `${'\u200b'.repeat(300)}${r.name}`}))
    const added = summarizeChanges(tree([], []), tree([], hidden))
    const listing = renderSummaryMarkdown(added)
    expect(listing).toContain('- report *Report number 1* — added')
    expect(listing.length).toBeLessThan(400 * 300)
    expect(renderSummaryMarkdown(added, {maxLength: listing.length})).toBe(listing)
  })

  it('never exceeds maxLength', () => {
    for (const maxLength of [10, 100, 1000, 5000]) {
      expect(renderSummaryMarkdown(summary, {maxLength}).length).toBeLessThanOrEqual(maxLength)
    }
  })
})

describe('escaping', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['[click](https://evil.example)', '\\[click\\](https:&#8203;//evil.example)'],
    ['*bold* _it_ `code` | cell ~x~', '\\*bold\\* \\_it\\_ \\`code\\` \\| cell \\~x\\~'],
    ['ping @org/team', 'ping @&#8203;org/team'],
    ['R&D', 'R&amp;D'],
    ['line\nbreak\ttab', 'line break tab'],
    ['evil\u202Egnp.exe\u2066x\u2069', 'evilgnp.exex'],
    ['back\\slash', 'back\\\\slash'],
    ['www.example.com', 'www&#8203;.example.com']
  ])('escapes %j', (raw, escaped) => {
    expect(escapeMarkdown(raw)).toBe(escaped)
  })

  it('escapes names of dashboards, reports and tiles in the body', () => {
    const evil = '<img src=x onerror=alert(1)> [x](javascript:alert(1))'
    const after = tree(
      [edited(sales, d => (d.name = evil))],
      [edited(p75, r => (r.name = `${evil}\u202E`)), invoices, lonely]
    )
    const markdown = renderSummaryMarkdown(summarizeChanges(before, after))
    expect(markdown).not.toContain('<img')
    expect(markdown).not.toMatch(/[^\\]\]\(/)
    expect(markdown).not.toContain('\u202E')
    expect(markdown).toContain('&lt;img src=x onerror=alert(1)&gt; \\[x\\](javascript:alert(1))')
  })
})
