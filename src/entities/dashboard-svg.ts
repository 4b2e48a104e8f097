/**
 * Pure: a picture of a dashboard's tile grid, committed beside the dashboard's
 * JSON so a pull request shows layout changes as an image diff (GitHub renders
 * SVG files in "rich diff"). Used as the `DashboardExtras` hook of layout.ts.
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

interface TileLabel {
  name: string
  subtitle: string
  style: keyof typeof STYLES
}

export function renderDashboardSvg(
  dashboard: Dashboard,
  reportsById: ReadonlyMap<string, Report>
): string {
  const tiles = [...dashboard.tiles].sort(compareTiles)
  const columns = Math.max(
    GRID_COLUMNS,
    ...tiles.map(t => cell(t.position.x) + span(t.dimensions.width))
  )
  const rows = Math.max(1, ...tiles.map(t => cell(t.position.y) + span(t.dimensions.height)))
  const width = 2 * MARGIN + columns * COLUMN_WIDTH
  const height = HEADER_HEIGHT + rows * ROW_HEIGHT + MARGIN

  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" role="img">`,
    `<title>${escapeXml(dashboard.name)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="${MARGIN + TITLE_SIZE}" font-size="${TITLE_SIZE}" font-weight="600" fill="#1a1a1a">${fitText(dashboard.name, width - 2 * MARGIN, TITLE_SIZE)}</text>`,
    ...gridLines(columns, rows)
  ]
  for (const tile of tiles) lines.push(...renderTile(tile, labelOf(tile, reportsById)))
  if (tiles.length === 0) {
    lines.push(
      `<text x="${Math.floor(width / 2)}" y="${HEADER_HEIGHT + Math.floor(ROW_HEIGHT / 2)}" font-size="${NAME_SIZE}" fill="#777777" text-anchor="middle">No tiles</text>`
    )
  }
  lines.push('</svg>')
  return `${lines.join('\n')}\n`
}

/** Faint column guides, so the 18-column grid is visible behind the tiles. */
function gridLines(columns: number, rows: number): string[] {
  const top = HEADER_HEIGHT
  const bottom = HEADER_HEIGHT + rows * ROW_HEIGHT
  const guides: string[] = []
  for (let column = 0; column <= columns; column++) {
    const x = MARGIN + column * COLUMN_WIDTH
    guides.push(`M${x} ${top}V${bottom}`)
  }
  return [`<path d="${guides.join('')}" stroke="#ececec" stroke-width="1" fill="none"/>`]
}

function renderTile(tile: Tile, label: TileLabel): string[] {
  const x = MARGIN + cell(tile.position.x) * COLUMN_WIDTH + TILE_GAP
  const y = HEADER_HEIGHT + cell(tile.position.y) * ROW_HEIGHT + TILE_GAP
  const w = span(tile.dimensions.width) * COLUMN_WIDTH - 2 * TILE_GAP
  const h = span(tile.dimensions.height) * ROW_HEIGHT - 2 * TILE_GAP
  const style = STYLES[label.style]
  const textWidth = w - 2 * PADDING
  return [
    '<g>',
    `<title>${escapeXml(label.name)}</title>`,
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="${style.fill}" stroke="${style.stroke}"${style.dash}/>`,
    `<text x="${x + PADDING}" y="${y + PADDING + NAME_SIZE}" font-size="${NAME_SIZE}" font-weight="600" fill="#1a1a1a">${fitText(label.name, textWidth, NAME_SIZE)}</text>`,
    `<text x="${x + PADDING}" y="${y + 2 * PADDING + NAME_SIZE + SUBTITLE_SIZE}" font-size="${SUBTITLE_SIZE}" fill="#5c5c5c">${fitText(label.subtitle, textWidth, SUBTITLE_SIZE)}</text>`,
    '</g>'
  ]
}

function labelOf(tile: Tile, reportsById: ReadonlyMap<string, Report>): TileLabel {
  const configuration = (tile.configuration ?? {}) as Record<string, unknown>
  if (tile.type === 'text') {
    return {name: 'Text', subtitle: plainText(configuration.text), style: 'text'}
  }
  const external = typeof configuration.external === 'string' ? configuration.external : undefined
  // Legacy exports stored the URL of an external tile as its id.
  const legacyUrl = tile.type === undefined && /^https?:\/\//i.test(tile.id) ? tile.id : undefined
  if (tile.type === 'external_url' || legacyUrl) {
    return {
      name: urlHost(external ?? legacyUrl ?? tile.id),
      subtitle: 'External page',
      style: 'external'
    }
  }
  const report = reportsById.get(tile.id)
  if (!report) return {name: tile.id, subtitle: 'Report not in this export', style: 'missing'}
  const visualization = report.data.visualization ?? 'report'
  const kind =
    report.exportEntityType === 'combined_report'
      ? 'combined · '
      : report.exportEntityType === 'single_decision_report'
        ? 'decision · '
        : ''
  return {name: report.name, subtitle: `${kind}${visualization}`, style: 'report'}
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
  const chars = Array.from(cleanText(text))
  const fits = Math.max(1, Math.floor((width * 10) / (fontSize * GLYPH_TENTHS)))
  const cut = chars.length > fits ? `${chars.slice(0, fits - 1).join('')}…` : chars.join('')
  return escapeXml(cut)
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
