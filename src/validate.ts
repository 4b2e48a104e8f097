/**
 * `validate`: offline checks of the entity files, no credentials needed, so
 * fork pull requests get them too. Every problem becomes an annotation on its
 * file and line; any problem fails the command.
 */
import {existsSync, lstatSync, readFileSync} from 'node:fs'
import {readdir} from 'node:fs/promises'
import * as path from 'node:path'
import {CommandFailedError, type CommandResult} from './command.js'
import {
  DASHBOARD_DIR,
  MANIFEST_FILE,
  REPORT_DIR,
  type EntityTree,
  type Manifest
} from './entities/layout.js'
import {escapeMarkdown} from './entities/promotion-markdown.js'
import {checkTree} from './entities/promotion-checks.js'
import {hasSuspiciousKeys} from './entities/promotion-json.js'
import type {Io} from './io.js'
import {DashboardSchema, ReportSchema} from './optimize/schemas.js'
import type {Settings} from './settings.js'
import {
  MAX_FILE_BYTES,
  readEntityTree,
  readManifest,
  type EntityFile,
  type LoadedTree,
  type TreeProblem
} from './workspace.js'

export interface ValidationOutcome {
  loaded: LoadedTree
  problems: TreeProblem[]
}

/**
 * Reads and checks the files; annotates every problem. Shared with `plan`.
 * A fast read comes first; when it finds anything wrong, the files are read
 * again with positions (readEntityTree), so every problem gets its line.
 */
export async function validateTree(settings: Settings, io: Io): Promise<ValidationOutcome> {
  const fast = await readTreeFast(settings.path)
  if (fast && checkTree(fast).length === 0) return {loaded: fast, problems: []}
  const loaded = await readEntityTree(settings.path)
  const problems = checkTree(loaded)
  for (const problem of problems) {
    io.error(problem.message, {
      file: workspaceFile(settings, problem.file),
      line: problem.line,
      column: problem.column,
      title: 'optimize-as-code validate'
    })
  }
  return {loaded, problems}
}

export async function runValidate(settings: Settings, io: Io): Promise<CommandResult> {
  const {loaded, problems} = await io.group(`Validating ${settings.relativePath}`, async () =>
    validateTree(settings, io)
  )
  const counts = `${loaded.tree.dashboards.length} dashboards and ${loaded.tree.reports.length} reports`
  if (problems.length === 0) {
    io.info(`${counts} in ${settings.relativePath} are valid`)
    return {
      outputs: {},
      summary: `### ✅ Validation passed\n\n${counts} in \`${settings.relativePath}\` are valid.\n`
    }
  }
  const result: CommandResult = {outputs: {}, summary: problemSummary(settings, problems, counts)}
  throw new CommandFailedError(
    `${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in ${settings.relativePath}; see the annotations.`,
    result
  )
}

export function problemSummary(
  settings: Settings,
  problems: TreeProblem[],
  counts: string
): string {
  const lines = [
    `### ❌ Validation failed: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`,
    '',
    `Checked ${counts} in \`${settings.relativePath}\`.`,
    '',
    '| File | Line | Problem |',
    '| --- | --- | --- |'
  ]
  for (const problem of problems) {
    lines.push(
      `| \`${workspaceFile(settings, problem.file)}\` | ${problem.line ?? ''} | ${escapeMarkdown(problem.message)} |`
    )
  }
  return `${lines.join('\n')}\n`
}

/** A tree file's path relative to the workspace, as annotations need it. */
export function workspaceFile(settings: Settings, file: string): string {
  return path.posix.join(settings.relativePath, file)
}

/**
 * The tree as readEntityTree reads it, for files that are all fine: JSON.parse
 * instead of a position-tracking parse. Undefined as soon as anything is off
 * (then the slow path finds and locates it). Reads are synchronous on
 * purpose: for ~2,000 small files they take ~50 ms, where the same reads
 * through the libuv thread pool take ~450 ms (bench/plan.ts).
 */
async function readTreeFast(root: string): Promise<LoadedTree | undefined> {
  const manifest = await readManifestFast(root)
  if (manifest === false) return undefined
  const tree: EntityTree = {dashboards: [], reports: []}
  const files: EntityFile[] = []
  for (const dir of [REPORT_DIR, DASHBOARD_DIR]) {
    const entries = await readdir(path.join(root, dir), {withFileTypes: true}).catch(() => [])
    const names = entries
      .filter(e => e.name.endsWith('.json') && !e.isDirectory())
      .map(e => e.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    for (const name of names) {
      const file = readEntityFileFast(root, `${dir}/${name}`, dir)
      if (!file) return undefined
      files.push(file)
      if (file.entity.exportEntityType === 'dashboard') tree.dashboards.push({entity: file.entity})
      else tree.reports.push({entity: file.entity, decisionXml: file.decisionXml})
    }
  }
  return {tree, files, problems: [], manifest}
}

/** The manifest through JSON.parse; false when readManifest should read (and explain) it. */
async function readManifestFast(root: string): Promise<Manifest | undefined | false> {
  const file = path.join(root, MANIFEST_FILE)
  if (!existsSync(file)) return undefined
  const text = readFileSync(file, 'utf8')
  try {
    const value = JSON.parse(text) as Partial<Manifest>
    if (Array.isArray(value?.files) && Array.isArray(value.entities) && !hasSuspiciousKeys(text))
      return value as Manifest
  } catch {
    // Fall through: readManifest reports it with its line.
  }
  return readManifest(root).catch(() => false as const)
}

function readEntityFileFast(root: string, file: string, dir: string): EntityFile | undefined {
  const absolute = path.join(root, file)
  const stats = lstatSync(absolute)
  if (stats.isSymbolicLink() || stats.size > MAX_FILE_BYTES) return undefined
  const text = readFileSync(absolute, 'utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (hasSuspiciousKeys(text)) return undefined
  const result = (dir === REPORT_DIR ? ReportSchema : DashboardSchema).safeParse(value)
  if (!result.success) return undefined
  const entity = result.data
  let decisionXml: string | undefined
  if (entity.exportEntityType === 'single_decision_report') {
    const sidecar = absolute.replace(/\.json$/, '.dmn')
    decisionXml = existsSync(sidecar) ? readFileSync(sidecar, 'utf8') : undefined
  }
  const document = {value, problems: [], locate: () => ({line: 1, column: 1})}
  return {file, entity, decisionXml, document}
}
