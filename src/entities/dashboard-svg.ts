/**
 * Pure: a picture of a dashboard's tile grid, committed beside the dashboard's
 * JSON so a pull request shows layout changes as an image diff (GitHub renders
 * SVG files in "rich diff"). Used as the `DashboardExtras` hook of layout.ts.
 *
 * Tiles can be marked as changed or new since the previous version (export
 * knows both); a marked tile is outlined and badged, and its group carries
 * `data-mark`, so the marks can be read back (readTileMarks) and kept while
 * the dashboard does not change. Every tile's `<title>` (shown on hover when
 * the SVG is opened) holds its full name and what it shows.
 *
 * The bytes depend on the input only: integer coordinates, no ids, no dates.
 * Names are untrusted; every character that could end an attribute, open a
 * tag or reorder the text (bidi overrides) is escaped or removed.
 */
import type {Dashboard, Report, Tile} from '../optimize/schemas.js'
import {compareTiles} from './normalize.js'

/** Optimize lays dashboards out on an 18-column grid (optimize-api.md §3.5). */
export const GRID_COLUMNS = 18
const COLUMN_WIDTH = 64
const ROW_HEIGHT = 56
const MARGIN = 16
const HEADER_HEIGHT = 48
const TILE_GAP = 4
const PADDING = 8
const TITLE_SIZE = 20
const NAME_SIZE = 14
const SUBTITLE_SIZE = 11
/** Average glyph width of a sans-serif font, in tenths of the font size. */
const GLYPH_TENTHS = 6

const STYLES = {
  report: {fill: '#eef4fb', stroke: '#4a7fc1', dash: ''},
  missing: {fill: '#ffffff', stroke: '#c14a4a', dash: ' stroke-dasharray="4 3"'},
  text: {fill: '#f4f4f4', stroke: '#a0a0a0', dash: ''},
  external: {fill: '#fdf5e8', stroke: '#c1904a', dash: ''}
} as const

/** What happened to a tile since the previous version of its dashboard. */
export type TileMark = 'changed' | 'added'

const MARKS: Record<TileMark, {stroke: string; badge: string; words: string}> = {
  changed: {stroke: '#e36209', badge: 'changed', words: 'changed since the previous export'},
  added: {stroke: '#1a7f37', badge: 'new', words: 'new since the previous export'}
}
const LEGEND_WIDTH = 300
/** Longest hover text of a tile: a text tile can hold pages. */
const MAX_TITLE_CHARS = 300
const BADGE_SIZE = 10

/** The mark of a tile, given it and its place in reading order (compareTiles). */
export type MarkOf = (tile: Tile, index: number) => TileMark | undefined

interface TileLabel {
  name: string
  subtitle: string
  /** Everything the tile shows, uncut, for its `<title>`. */
  full: string
  style: keyof typeof STYLES
}

export function renderDashboardSvg(
  dashboard: Dashboard,
  reportsById: ReadonlyMap<string, Report>,
  markOf?: MarkOf
): string {
  const tiles = [...dashboard.tiles].sort(compareTiles)
  const marks = tiles.map((tile, i) => markOf?.(tile, i))
  const columns = Math.max(
    GRID_COLUMNS,
    ...tiles.map(t => cell(t.position.x) + span(t.dimensions.width))
  )
  const rows = Math.max(1, ...tiles.map(t => cell(t.position.y) + span(t.dimensions.height)))
  const width = 2 * MARGIN + columns * COLUMN_WIDTH
  const height = HEADER_HEIGHT + rows * ROW_HEIGHT + MARGIN

  const marked = marks.some(Boolean)
  const titleWidth = width - 2 * MARGIN - (marked ? LEGEND_WIDTH : 0)
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img">`,
    `<title>${escapeXml(dashboard.name)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="600" fill="#1a1a1a">${fitText(dashboard.name, titleWidth, TITLE_SIZE)}</text>`,
    ...(marked ? [legend(width, marks)] : []),
    gridLines(columns, rows)
  ]
  tiles.forEach((tile, i) => lines.push(...renderTile(tile, labelOf(tile, reportsById), marks[i])))
  if (tiles.length === 0) {
    lines.push(
      `<text x="${Math.floor(width / 2)}" y="${HEADER_HEIGHT + Math.floor(ROW_HEIGHT / 2)}" font-size="${NAME_SIZE}" fill="#777777" text-anchor="middle">No tiles</text>`
    )
  }
  lines.push('</svg>')
  return `${lines.join('\n')}\n`
}

/** Faint column guides, so the 18-column grid is visible behind the tiles. */
function gridLines(columns: number, rows: number): string {
  const top = HEADER_HEIGHT
  const bottom = HEADER_HEIGHT + rows * ROW_HEIGHT
  const guides: string[] = []
  for (let column = 0; column <= columns; column++) {
    const x = MARGIN + column * COLUMN_WIDTH
    guides.push(`M${x} ${top}V${bottom}`)
  }
  return `<path d="${guides.join('')}" stroke="#ececec" stroke-width="1" fill="none"/>`
}

/** What the outlines mean, right-aligned in the header, each word in its colour. */
function legend(width: number, marks: readonly (TileMark | undefined)[]): string {
  const words = (['changed', 'added'] as const)
    .filter(kind => marks.includes(kind))
    .map(
      kind => `<tspan fill="${MARKS[kind].stroke}" font-weight="600">${MARKS[kind].badge}</tspan>`
    )
  return `<text x="${width - MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${SUBTITLE_SIZE}" fill="#5c5c5c" text-anchor="end">Outlined: ${words.join(' / ')} since the previous export</text>`
}

function renderTile(tile: Tile, label: TileLabel, mark?: TileMark): string[] {
  const x = MARGIN + cell(tile.position.x) * COLUMN_WIDTH + TILE_GAP
  const y = HEADER_HEIGHT + cell(tile.position.y) * ROW_HEIGHT + TILE_GAP
  const w = span(tile.dimensions.width) * COLUMN_WIDTH - 2 * TILE_GAP
  const h = span(tile.dimensions.height) * ROW_HEIGHT - 2 * TILE_GAP
  const style = STYLES[label.style]
  const outline = mark
    ? `stroke="${MARKS[mark].stroke}" stroke-width="3"`
    : `stroke="${style.stroke}"${style.dash}`
  const textWidth = w - 2 * PADDING
  const full = cut(label.full, MAX_TITLE_CHARS)
  const title = mark ? `${full} (${MARKS[mark].words})` : full
  return [
    mark ? `<g data-mark="${mark}">` : '<g>',
    `<title>${escapeXml(title)}</title>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="${style.fill}" ${outline}/>`,
    `<text x="${x + PADDING}" y="${y + PADDING + NAME_SIZE}" font-size="${NAME_SIZE}" font-weight="600" fill="#1a1a1a">${fitText(label.name, textWidth - (mark ? 6 * BADGE_SIZE : 0), NAME_SIZE)}</text>`,
    `<text x="${x + PADDING}" y="${y + 2 * PADDING + NAME_SIZE + SUBTITLE_SIZE}" font-size="${SUBTITLE_SIZE}" fill="#5c5c5c">${fitText(label.subtitle, textWidth, SUBTITLE_SIZE)}</text>`,
    ...(mark
      ? [
          `<text x="${x + w - PADDING}" y="${y + PADDING + BADGE_SIZE}" font-size="${BADGE_SIZE}" font-weight="600" fill="${MARKS[mark].stroke}" text-anchor="end">${MARKS[mark].badge}</text>`
        ]
      : []),
    '</g>'
  ]
}

/**
 * The marks of a picture this module drew, one per tile in reading order;
 * empty for any other text.
 */
export function readTileMarks(svg: string): (TileMark | undefined)[] {
  return [...svg.matchAll(/^<g(?: data-mark="(changed|added)")?>$/gm)].map(
    match => match[1] as TileMark | undefined
  )
}

function labelOf(tile: Tile, reportsById: ReadonlyMap<string, Report>): TileLabel {
  const configuration = (tile.configuration ?? {}) as Record<string, unknown>
  if (tile.type === 'text') {
    const text = plainText(configuration.text)
    return {name: 'Text', subtitle: text, full: `Text: ${text}`, style: 'text'}
  }
  const external = typeof configuration.external === 'string' ? configuration.external : undefined
  // Legacy exports stored the URL of an external tile as its id.
  const legacyUrl = tile.type === undefined && /^https?:\/\//i.test(tile.id) ? tile.id : undefined
  if (tile.type === 'external_url' || legacyUrl) {
    const url = external ?? legacyUrl ?? tile.id
    return {
      name: urlHost(url),
      subtitle: 'External page',
      full: `External page: ${url}`,
      style: 'external'
    }
  }
  const report = reportsById.get(tile.id)
  if (!report) {
    const subtitle = 'Report not in this export'
    return {name: tile.id, subtitle, full: `${tile.id}: ${subtitle}`, style: 'missing'}
  }
  const visualization = report.data.visualization ?? 'report'
  const kind =
    report.exportEntityType === 'combined_report'
      ? 'combined · '
      : report.exportEntityType === 'single_decision_report'
        ? 'decision · '
        : ''
  const subtitle = `${kind}${visualization}`
  return {name: report.name, subtitle, full: `${report.name} (${subtitle})`, style: 'report'}
}

/** The words of a text tile's rich-text state (every string under a `text` key). */
function plainText(state: unknown): string {
  const words: string[] = []
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit)
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        if (key === 'text' && typeof value === 'string') words.push(value)
        else visit(value)
      }
    }
  }
  visit(state)
  return words.join(' ')
}

/** The host of an external tile's URL, or the text as it is when it is not a URL. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host || url
  } catch {
    return url
  }
}

/** Text cut to what fits `width` pixels at `fontSize`, with an ellipsis, escaped. */
function fitText(text: string, width: number, fontSize: number): string {
  const fits = Math.max(1, Math.floor((width * 10) / (fontSize * GLYPH_TENTHS)))
  return escapeXml(cut(text, fits))
}

/** At most `max` characters (code points) of the cleaned text, the last an ellipsis when cut. */
function cut(text: string, max: number): string {
  const chars = Array.from(cleanText(text))
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('')
}

/**
 * Text without what could break the SVG or mislead a reader: lone surrogates
 * (not valid XML), control characters (most are forbidden in XML 1.0) and
 * format characters such as bidi overrides.
 */
function cleanText(text: string): string {
  // Most names are printable ASCII words with single spaces: nothing to clean.
  if (PLAIN.test(text)) return text
  return text
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\p{Cf}\uFFFE\uFFFF]/gu, '')
    .replace(/[\p{Cc}\u2028\u2029\s]+/gu, ' ')
    .trim()
}

const PLAIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/
const MARKUP = /[&<>"']/

/** Escaped for both element content and attribute values. */
export function escapeXml(text: string): string {
  const clean = cleanText(text)
  if (!MARKUP.test(clean)) return clean
  return clean
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function cell(value: number): number {
  return Math.max(0, Math.round(value))
}

function span(value: number): number {
  return Math.max(1, Math.round(value))
}
