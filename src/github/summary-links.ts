/**
 * Pure: the URLs a reviewer follows from the summary. A dashboard's JSON and
 * SVG files in the pull request's branch, its picture, and the dashboard in
 * Optimize.
 *
 * - Files: `<server>/<owner>/<repo>/blob/<branch>/<path>`. The picture is the
 *   same URL with `?raw=true`, the form GitHub's documentation gives for an
 *   image of the repository in an issue, a pull request or a comment
 *   (docs.github.com, "Basic writing and formatting syntax", Images). It is
 *   served to whoever may read the repository, so it also works in a
 *   private one, where a raw.githubusercontent.com link does not (that one
 *   needs a token); GitHub's Markdown serves repository SVGs sanitized with
 *   an image type (github/markup#556). Absolute, not `../blob/…`: the same
 *   text is also the job summary, which lives at another URL.
 * - Optimize: `<optimize-url>/#/dashboard/<id>/`. Optimize's client is a hash
 *   router whose entity route takes `/dashboard/:id/:viewMode?`
 *   (camunda/camunda optimize/client/src/App.js@80d53edd; the home list links
 *   `dashboard/<id>/`, components/Home/formatters.ts). The base already holds
 *   the cluster id on SaaS and a context path on self-managed.
 */
import type {DashboardLinks} from './summary-markdown.js'

export interface LinkBase {
  /** `<server>/<owner>/<repo>/blob/<branch>/<path>`, when the branch is known. */
  files?: string
  /** Optimize's base URL, without a trailing slash. */
  optimize?: string
}

export function linkBase(options: {
  serverUrl: string
  repository?: {owner: string; repo: string}
  /** The branch the files are committed to; none when they are not committed. */
  branch?: string
  /** The entity folder, relative to the repository root (POSIX). */
  path: string
  optimizeUrl?: string
}): LinkBase {
  const {serverUrl, repository, branch} = options
  const files =
    repository && branch
      ? [
          markdownSafe(serverUrl.replace(/\/+$/, '')),
          ...[repository.owner, repository.repo, 'blob'].map(encodeSegment),
          ...segments(branch),
          ...segments(options.path)
        ].join('/')
      : undefined
  return {files, optimize: options.optimizeUrl?.replace(/\/+$/, '')}
}

/** The links of one dashboard: `file` is its JSON file relative to the entity folder. */
export function dashboardLinks(base: LinkBase, id: string, file?: string): DashboardLinks {
  const links: DashboardLinks = {}
  if (base.files && file) {
    const json = `${base.files}/${segments(file).join('/')}`
    const svg = json.replace(/\.json$/, '.svg')
    Object.assign(links, {json, svg, picture: `${svg}?raw=true`})
  }
  if (base.optimize)
    links.optimize = `${markdownSafe(base.optimize)}/#/dashboard/${encodeSegment(id)}/`
  return links
}

/** Path segments, each percent-encoded; `.` and empty segments dropped. */
function segments(path: string): string[] {
  return path
    .split('/')
    .filter(part => part !== '' && part !== '.')
    .map(encodeSegment)
}

/** One path segment, with the characters encodeURIComponent keeps but Markdown acts on encoded too. */
function encodeSegment(part: string): string {
  return encodeURIComponent(part).replace(/[()'!*]/g, escapeChar)
}

/** A URL that cannot end a Markdown link early: spaces, brackets, quotes and angle brackets encoded. */
function markdownSafe(url: string): string {
  return url.replace(/[\s()<>[\]"'`\\]/g, escapeChar)
}

function escapeChar(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
}
