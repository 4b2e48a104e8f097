import {describe, expect, it} from 'vitest'
import {readTileMarks, renderDashboardSvg} from '../../src/entities/dashboard-svg.js'
import type {Report} from '../../src/optimize/schemas.js'
import {dashboard, report, reportTile, textTile, urlTile, uuid} from '../github/builders.js'

const P75 = uuid(1)
const reports = new Map<string, Report>([
  [P75, report(P75, 'p75 duration', {visualization: 'bar'})]
])

/**
 * A small XML 1.0 well-formedness check, enough for the SVG we write: tags
 * nest and close, attributes are quoted, `<` and `&` only start markup and
 * entity references, and no character XML forbids appears.
 */
function assertWellFormed(xml: string): void {
  // eslint-disable-next-line no-control-regex
  expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/)
  const stack: string[] = []
  const entity = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y
  const checkText = (text: string): void => {
    for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
      entity.lastIndex = i
      expect(entity.test(text), `bad '&' in ${JSON.stringify(text)}`).toBe(true)
    }
    expect(text).not.toContain(']]>')
  }
  let rest = xml
  let seenRoot = false
  while (rest.length) {
    const lt = rest.indexOf('<')
    if (lt < 0) {
      expect(rest.trim()).toBe('')
      break
    }
    checkText(rest.slice(0, lt))
    const gt = rest.indexOf('>', lt)
    expect(gt, 'unterminated tag').toBeGreaterThan(lt)
    const tag = rest.slice(lt + 1, gt)
    rest = rest.slice(gt + 1)
    const close = /^\/([A-Za-z][\w:-]*)\s*$/.exec(tag)
    if (close) {
      expect(stack.pop(), `</${close[1]}> closes the wrong element`).toBe(close[1])
      continue
    }
    const open = /^([A-Za-z][\w:-]*)((?:\s+[A-Za-z][\w:-]*="[^"<]*")*)\s*(\/?)$/.exec(tag)
    expect(open, `malformed tag <${tag}>`).not.toBeNull()
    if (!open) return
    if (stack.length === 0) {
      expect(seenRoot, 'a second root element').toBe(false)
      seenRoot = true
    }
    for (const [, value] of open[2].matchAll(/="([^"]*)"/g)) checkText(value)
    if (open[3] !== '/') stack.push(open[1])
  }
  expect(stack, 'unclosed elements').toEqual([])
  expect(seenRoot).toBe(true)
}

function rects(svg: string): string[] {
  return [...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" rx/g)].map(
    m => `${m[1]},${m[2]} ${m[3]}x${m[4]}`
  )
}

describe('renderDashboardSvg', () => {
  it('draws a standalone SVG with the dashboard name as title', () => {
    const svg = renderDashboardSvg(
      dashboard('d', 'Sales overview', [reportTile(P75, 0, 0)]),
      reports
    )

    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1184" height="288" viewBox="0 0 1184 288"/
    )
    expect(svg).toContain('<title>Sales overview</title>')
    expect(svg.endsWith('</svg>\n')).toBe(true)
    assertWellFormed(svg)
  })

  it('places tiles on the 18-column grid by position and dimensions', () => {
    const board = dashboard('d', 'Grid', [
      reportTile(P75, 0, 0, 6, 4),
      reportTile(P75, 6, 0, 12, 2),
      textTile('Notes', 0, 4, 18, 1)
    ])

    const svg = renderDashboardSvg(board, reports)

    // 64 px per column, 56 px per row, 16 px margin, 48 px header, 4 px gap.
    expect(rects(svg)).toEqual(['20,52 376x216', '404,52 760x104', '20,276 1144x48'])
  })

  it('labels report, text and external tiles, and unknown reports by id', () => {
    const missing = uuid(99)
    const board = dashboard('d', 'Labels', [
      reportTile(P75, 0, 0),
      reportTile(missing, 6, 0),
      textTile('Welcome to the board', 12, 0, 6, 2),
      urlTile('https://status.example.com:8443/x?y=1', 0, 4)
    ])

    const svg = renderDashboardSvg(board, reports)

    expect(svg).toContain('>p75 duration</text>')
    expect(svg).toContain('>bar</text>')
    expect(svg).toContain(`>${missing.slice(0, 45)}`)
    expect(svg).toContain('>Report not in this export</text>')
    expect(svg).toContain('>Text</text>')
    expect(svg).toContain('>Welcome to the board</text>')
    expect(svg).toContain('>status.example.com:8443</text>')
    expect(svg).toContain('>External page</text>')
    assertWellFormed(svg)
  })

  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['Tom & Jerry', 'Tom &amp; Jerry'],
    [`"quoted" 'single'`, '&quot;quoted&quot; &apos;single&apos;'],
    ['end ]]> of CDATA', 'end ]]&gt; of CDATA'],
    ['bidi \u202Egnp.exe\u2066 x', 'bidi gnp.exe x'],
    ['ctl\u0000\u0007\u001B chars\nnew', 'ctl chars new'],
    ['lone \uD800 surrogate', 'lone \uFFFD surrogate']
  ])('escapes %j in names', (name, escaped) => {
    const board = dashboard('d', name, [reportTile(P75, 0, 0)])
    const named = new Map<string, Report>([[P75, report(P75, name)]])

    const svg = renderDashboardSvg(board, named)

    expect(svg).toContain(`<title>${escaped}</title>`)
    expect(svg).not.toContain('<script')
    assertWellFormed(svg)
  })

  it('truncates long names with an ellipsis to fit the tile', () => {
    const long = 'A very long report name that cannot possibly fit into a narrow tile'
    const named = new Map<string, Report>([[P75, report(P75, long)]])

    const svg = renderDashboardSvg(dashboard('d', 'D', [reportTile(P75, 0, 0, 3, 2)]), named)

    // 3 columns: 184 px wide, minus padding 168 px; 14 px at 0.6 em per glyph → 20 glyphs.
    expect(svg).toContain('>A very long report …</text>')
    expect(svg).toContain(`<title>${long} (number)</title>`)
  })

  it('is deterministic: same input, same bytes, whatever the tile order', () => {
    const tiles = [reportTile(P75, 6, 0), textTile('x', 0, 0, 6, 1), urlTile('https://a.b', 0, 1)]
    const first = renderDashboardSvg(dashboard('d', 'D', tiles), reports)
    const second = renderDashboardSvg(dashboard('d', 'D', [...tiles].reverse()), new Map(reports))

    expect(second).toBe(first)
    expect(first).not.toMatch(/\d\.\d/)
  })

  it('draws an empty dashboard', () => {
    const svg = renderDashboardSvg(dashboard('d', 'Empty'), reports)

    expect(svg).toContain('>No tiles</text>')
    assertWellFormed(svg)
  })

  it('widens the picture for tiles beyond column 18', () => {
    const svg = renderDashboardSvg(dashboard('d', 'Wide', [reportTile(P75, 16, 0, 4, 2)]), reports)

    expect(svg).toContain('viewBox="0 0 1312 176"')
  })

  describe('marks of what changed since the previous version', () => {
    const tiles = [
      textTile('Welcome to sales', 0, 0),
      reportTile(P75, 0, 1),
      urlTile('https://a.b/x', 6, 1)
    ]
    const board = dashboard('d', 'Sales', tiles)

    it('outlines and badges marked tiles, says so on hover and in a legend', () => {
      const svg = renderDashboardSvg(board, reports, tile =>
        tile.id === P75 ? 'changed' : tile.type === 'external_url' ? 'added' : undefined
      )

      expect(svg).toContain(
        '<g data-mark="changed">\n<title>p75 duration (bar) (changed since the previous export)</title>'
      )
      expect(svg).toContain('stroke="#e36209" stroke-width="3"/>')
      expect(svg).toContain('text-anchor="end">changed</text>')
      expect(svg).toContain(
        '<g data-mark="added">\n<title>External page: https://a.b/x (new since the previous export)</title>'
      )
      expect(svg).toContain('stroke="#1a7f37" stroke-width="3"/>')
      expect(svg).toContain(
        '>Outlined: <tspan fill="#e36209" font-weight="600">changed</tspan> / <tspan fill="#1a7f37" font-weight="600">new</tspan> since the previous export</text>'
      )
      assertWellFormed(svg)
    })

    it('draws no mark and no legend without changes', () => {
      const svg = renderDashboardSvg(board, reports)

      expect(svg).not.toMatch(/data-mark|Outlined|stroke-width="3"/)
      expect(readTileMarks(svg)).toEqual([undefined, undefined, undefined])
    })

    it('reads its marks back, in reading order, so a redraw gives the same bytes', () => {
      const marks = ['changed', undefined, 'added'] as const
      const svg = renderDashboardSvg(board, reports, (_tile, i) => marks[i])

      expect(readTileMarks(svg)).toEqual(marks)
      expect(renderDashboardSvg(board, reports, (_tile, i) => readTileMarks(svg)[i])).toBe(svg)
      expect(readTileMarks('<svg><g data-mark="evil"></g></svg>')).toEqual([])
    })

    it('shows the whole text of a text tile on hover, however long', () => {
      const long = 'word '.repeat(100).trim()
      const svg = renderDashboardSvg(dashboard('d', 'D', [textTile(long, 0, 0)]), reports)

      expect(svg).toContain(`<title>Text: ${long.slice(0, 293)}…</title>`)
    })
  })
})
