/**
 * The summary of an export: the job summary, the `summary` output and the
 * pull-request body. What changed (github/summary.ts), with links to each
 * dashboard's files in the pull request's branch and to the dashboard in
 * Optimize (github/summary-links.ts) and pictures of the changed dashboards;
 * what could not be exported; every exported dashboard, folded.
 */
import type {EntityTree, ManagedFile} from './entities/layout.js'
import {plural} from './github/summary-lines.js'
import {dashboardLinks, linkBase} from './github/summary-links.js'
import {
  escapeMarkdown,
  hasChanges,
  renderSummaryMarkdown,
  sortNamed,
  type ChangeSummary,
  type DashboardLinks
} from './github/summary.js'
import {isDashboard, tileReportIds} from './optimize/schemas.js'
import type {Settings} from './settings.js'

/** Markdown budget of the summary: a pull-request body holds 65,536 characters. */
const SUMMARY_BUDGET = 60_000
/** Most of that budget the table of exported dashboards takes; the changes come first. */
const TABLE_BUDGET = 15_000

/**
 * The summary of an export that wrote `files`; `problems` are warnings to
 * show first, `notes` (Markdown) lines about files that are no entity's.
 */
export function exportSummary(
  settings: Settings,
  exported: {changes: ChangeSummary; after: EntityTree; files: readonly ManagedFile[]},
  filesChanged: boolean,
  problems: readonly string[],
  notes: readonly string[] = []
): string {
  const {changes, after} = exported
  const links = linksOf(settings, exported.files)
  const table = exportedTable(after, links)
  const warnings = problems.map(problem => `> [!WARNING]\n> ${escapeMarkdown(problem)}\n`)
  let text = hasChanges(changes)
    ? renderSummaryMarkdown(changes, {
        title: 'What changed',
        links,
        maxLength: SUMMARY_BUDGET - table.length - warnings.join('\n').length - 500
      })
    : 'Nothing changed: the files already match Optimize.'
  if (!hasChanges(changes) && filesChanged)
    text = 'The files changed, but no dashboard or report did (file format or layout only).'
  return [
    '## Optimize export',
    '',
    `Exported **${after.dashboards.length}** dashboards and **${after.reports.length}** reports into \`${settings.relativePath}\`.`,
    '',
    ...warnings,
    text.trimEnd(),
    '',
    ...notes.flatMap(note => [note, '']),
    table
  ].join('\n')
}

/**
 * Each exported dashboard's links: its files in the pull request's branch
 * (pull-request mode, where the branch is known) and the dashboard in Optimize.
 */
function linksOf(
  settings: Settings,
  files: readonly ManagedFile[]
): (id: string) => DashboardLinks | undefined {
  const {github} = settings
  const base = linkBase({
    serverUrl: github.serverUrl,
    repository: github.repository,
    branch: github.mode === 'pull-request' ? github.branch : undefined,
    path: settings.relativePath,
    optimizeUrl: settings.connection?.baseUrl
  })
  const fileOf = new Map<string, string>()
  for (const file of files)
    if (file.entity && isDashboard(file.entity.entity)) fileOf.set(file.entity.entity.id, file.path)
  return id => {
    const file = fileOf.get(id)
    return file ? dashboardLinks(base, id, file) : undefined
  }
}

/** Every exported dashboard with its links, folded; cut to TABLE_BUDGET characters. */
function exportedTable(
  tree: EntityTree,
  links: (id: string) => DashboardLinks | undefined
): string {
  if (!tree.dashboards.length) return ''
  const dashboards = sortNamed(tree.dashboards.map(({entity}) => entity))
  const lines = ['| Dashboard | Reports | Files | ID |', '| --- | --- | --- | --- |']
  let length = 0
  for (const [i, d] of dashboards.entries()) {
    const {json, svg, optimize} = links(d.id) ?? {}
    const files = json && svg ? `[JSON](${json}) · [SVG](${svg})` : ''
    const id = optimize ? `[\`${d.id}\`](${optimize})` : `\`${d.id}\``
    const row = `| ${escapeMarkdown(d.name)} | ${tileReportIds(d).length} | ${files} | ${id} |`
    length += row.length + 1
    if (length > TABLE_BUDGET) {
      lines.push(`| … and ${dashboards.length - i} more | | | |`)
      break
    }
    lines.push(row)
  }
  return [
    `<details><summary>${plural(dashboards.length, 'exported dashboard')}</summary>`,
    '',
    ...lines,
    '',
    '</details>'
  ].join('\n')
}
