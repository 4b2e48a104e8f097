/**
 * `validate`: offline checks of the entity files and of the environments
 * file, no credentials needed, so fork pull requests get them too. Every problem becomes an annotation on its
 * file and line; any problem fails the command.
 */
import * as path from 'node:path'
import {CommandFailedError, type CommandResult} from './command.js'
import {escapeMarkdown} from './entities/markdown.js'
import {checkTree} from './entities/file-checks.js'
import type {Io} from './io.js'
import type {Settings} from './settings.js'
import {Input} from './constants.js'
import {readConfig} from './workspace/config.js'
import type {LoadedTree, TreeProblem} from './entities/layout.js'
import {checkDesiredState} from './workspace/check.js'
import {readEntityTree} from './workspace/read.js'

/** Reads and checks the files; annotates every problem. Shared with `plan`. */
export async function validateTree(
  settings: Settings,
  io: Io
): Promise<{loaded: LoadedTree; problems: TreeProblem[]}> {
  checkDesiredState(settings, io)
  const loaded = await readEntityTree(settings.path)
  const problems = checkTree(loaded)
  for (const problem of problems) annotate(io, workspaceFile(settings, problem.file), problem)
  return {loaded, problems}
}

export async function runValidate(settings: Settings, io: Io): Promise<CommandResult> {
  const {loaded, problems} = await io.group(`Validating ${settings.relativePath}`, async () =>
    validateTree(settings, io)
  )
  // The summary's rows name each file relative to the workspace, as annotations do.
  const rows: TreeProblem[] = problems.map(p => ({...p, file: workspaceFile(settings, p.file)}))
  const config = checkConfig(settings, io)
  rows.push(...config.rows)
  const counts = `${loaded.tree.dashboards.length} dashboards and ${loaded.tree.reports.length} reports`
  if (rows.length === 0) {
    io.info(`${counts} in ${settings.relativePath} are valid${config.note}`)
    return {
      outputs: {},
      summary: `### ✅ Validation passed\n\n${counts} in \`${settings.relativePath}\` are valid${config.note}.\n`
    }
  }
  const result: CommandResult = {outputs: {}, summary: problemSummary(settings, rows, counts)}
  const where =
    config.rows.length > 0 ? `${settings.relativePath} and ${config.file}` : settings.relativePath
  throw new CommandFailedError(
    `${rows.length} ${rows.length === 1 ? 'problem' : 'problems'} in ${where}; see the annotations.`,
    result
  )
}

/**
 * The environments file (workspace/config.ts), when it exists or input
 * `config` names it: every environment against the schema, each problem
 * annotated at its line.
 */
function checkConfig(
  settings: Settings,
  io: Io
): {rows: TreeProblem[]; note: string; file: string} {
  const read = readConfig(settings)
  const file = read.file
  if (!read.found) {
    if (!settings.config.explicit) return {rows: [], note: '', file}
    const message = `the config file does not exist (input '${Input.Config}')`
    annotate(io, file, {message})
    return {rows: [{file, message}], note: '', file}
  }
  for (const problem of read.problems) annotate(io, file, problem)
  const environments = read.config?.environments.size ?? 0
  return {
    rows: read.problems.map(p => ({file, line: p.line, message: p.message})),
    note: `, and ${file} with ${environments} ${environments === 1 ? 'environment' : 'environments'} is valid`,
    file
  }
}

/** An error annotation of `problem` on `file` (relative to the workspace), at its line. */
function annotate(
  io: Io,
  file: string,
  problem: {message: string; line?: number; column?: number}
): void {
  const where = {file, line: problem.line, column: problem.column}
  io.error(problem.message, {...where, title: 'optimize-as-code validate'})
}

function problemSummary(settings: Settings, rows: TreeProblem[], counts: string): string {
  const lines = [
    `### ❌ Validation failed: ${rows.length} ${rows.length === 1 ? 'problem' : 'problems'}`,
    '',
    `Checked ${counts} in \`${settings.relativePath}\`.`,
    '',
    '| File | Line | Problem |',
    '| --- | --- | --- |'
  ]
  for (const row of rows) {
    lines.push(`| \`${row.file}\` | ${row.line ?? ''} | ${escapeMarkdown(row.message)} |`)
  }
  return `${lines.join('\n')}\n`
}

/** A tree file's path relative to the workspace, as annotations need it. */
export function workspaceFile(settings: Settings, file: string): string {
  return path.posix.join(settings.relativePath, file)
}
