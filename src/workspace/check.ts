/**
 * Checks of the entity folder as a whole, before it is taken for something:
 *
 * - checkDesiredState: before validate, plan and import read it as the state
 *   a collection should have. A missing folder (no actions/checkout, a typo
 *   in `path`), one export did not write, or one without a single entity
 *   would otherwise "plan" the deletion of everything in the target.
 * - checkPublishable: before `commit: push` or `pull-request` commit it: the
 *   tree parses, and the manifest lists exactly the files of dashboards/ and
 *   reports/ (and the collection file, when it lists one), so a half-written tree is never published (after recoverTree
 *   none can be left; this holds whatever wrote the folder).
 */
import * as path from 'node:path'
import {COLLECTION_FILE} from '../entities/collection-file.js'
import {parseJsonDocument} from '../entities/json-document.js'
import {DASHBOARD_DIR, MANIFEST_FILE, REPORT_DIR, type TreeProblem} from '../entities/layout.js'
import type {Io} from '../io.js'
import type {Settings} from '../settings.js'
import {checkNoLinksBetween, Folder, WorkspaceError} from './files.js'
import {recoverTree, STAGING_DIR} from './journal.js'
import {parseEntityTree, readTreeTexts} from './read.js'

const CHECKOUT_HINT =
  "Check that an actions/checkout step runs before this one (with the ref and sparse-checkout you expect), and that the input 'path' names the folder 'export' writes."

/**
 * Makes the folder ready to be read as the desired state, or refuses it:
 * completes or discards a write an earlier run left unfinished, then refuses
 * a `path` that does not exist, is not a folder written by export (no
 * manifest), or holds no entity file at all, saying which. `plan` and
 * `import` call it before they talk to Optimize; validateTree calls it too.
 */
export function checkDesiredState(settings: Settings, io: Io): void {
  const {workspace, path: root, relativePath: relative} = settings
  checkNoLinksBetween(workspace, root)
  const recovered = recoverTree(root)
  if (recovered) io.warning(recovered)
  const stats = new Folder(workspace).lstat(path.relative(workspace, root))
  if (!stats)
    throw new WorkspaceError(
      `The folder '${relative}' (input 'path') does not exist in the workspace, so there is nothing to take as the desired state. ${CHECKOUT_HINT}`
    )
  if (!stats.isDirectory())
    throw new WorkspaceError(
      `'${relative}' (input 'path') is not a folder. The input 'path' must name the folder 'export' writes.`
    )
  const folder = new Folder(root)
  if (!folder.lstat(MANIFEST_FILE))
    throw new WorkspaceError(
      `'${relative}' (input 'path') is not a folder written by optimize-as-code's export: it has no ${MANIFEST_FILE}. ${CHECKOUT_HINT}`
    )
  let entityFiles = 0
  for (const dir of [REPORT_DIR, DASHBOARD_DIR]) {
    const dirStats = folder.lstat(dir)
    // A link or a file in the way is a problem reading reports, with its name.
    if (dirStats && !dirStats.isDirectory()) return
    const entries = dirStats ? (folder.list(dir) ?? []) : []
    entityFiles += entries.filter(entry => entry.name.endsWith('.json')).length
  }
  if (entityFiles === 0)
    throw new WorkspaceError(
      `'${relative}' (input 'path') holds no dashboard or report: ${DASHBOARD_DIR}/ and ${REPORT_DIR}/ have no entity file. An empty folder is never taken as the desired state: with prune, it would delete everything in the target collection. ${CHECKOUT_HINT}`
    )
}

/**
 * What stands in the way of committing the folder at `root`: every problem,
 * each naming its file. Empty when nothing is left staged, the files parse
 * and the manifest lists exactly the files in dashboards/ and reports/, all
 * of them present. Without a manifest the folder holds no export yet, and
 * nothing tells which files are managed: only their JSON is checked.
 */
export async function checkPublishable(root: string): Promise<string[]> {
  const folder = new Folder(root)
  if (!folder.lstat('.')) return []
  const problems: string[] = []
  if (folder.lstat(STAGING_DIR)) problems.push(`${STAGING_DIR}: a write was not completed`)
  const read = await readTreeTexts(root)
  const note = (problem: TreeProblem): void => {
    problems.push(`${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`)
  }
  if (!read.manifest) {
    read.problems.forEach(note)
    for (const {file, text} of read.files) {
      for (const problem of parseJsonDocument(text).problems) note({file, ...problem})
    }
    return problems
  }
  parseEntityTree(read).problems.forEach(note)
  const listed = new Set(read.manifest.files)
  const present = new Set<string>()
  for (const dir of [REPORT_DIR, DASHBOARD_DIR]) {
    if (!folder.lstat(dir)?.isDirectory()) continue
    for (const entry of folder.list(dir) ?? []) present.add(`${dir}/${entry.name}`)
  }
  // The collection file lies beside those folders; one the manifest does not list is not export's.
  if (listed.has(COLLECTION_FILE) && folder.lstat(COLLECTION_FILE)) present.add(COLLECTION_FILE)
  for (const file of listed) {
    if (!present.has(file)) problems.push(`${file}: listed in ${MANIFEST_FILE}, but missing`)
  }
  for (const file of present) {
    if (!listed.has(file)) problems.push(`${file}: not listed in ${MANIFEST_FILE}`)
  }
  return problems
}
