/**
 * Real git for the publish tests: a bare repository as `origin` and a clone
 * as the workspace, in a temporary folder. A fresh CI machine has no git
 * identity, so the global config is switched off and setup commits pass
 * theirs explicitly; the code under test must cope on its own.
 */
import {redact} from '../../src/redact.js'
import {execFile} from 'node:child_process'
import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {promisify} from 'node:util'
import {vi} from 'vitest'
import type {Io} from '../../src/io.js'
import type {GitHubSettings, Settings} from '../../src/settings.js'

const run = promisify(execFile)

export interface GitFixture {
  root: string
  origin: string
  workspace: string
  /** Runs git in the workspace (or `cwd`) and returns trimmed stdout. */
  git(args: string[], cwd?: string): Promise<string>
  /** Writes files under the workspace's `optimize/` folder, replacing what was there. */
  writeExport(files: Record<string, string>): Promise<void>
  /** A second clone, to play another run or person. */
  clone(name: string): Promise<string>
  cleanup(): Promise<void>
}

const SETUP_IDENTITY = ['-c', 'user.name=Setup', '-c', 'user.email=setup@example.test']

export function isolateGit(): void {
  vi.stubEnv('GIT_CONFIG_GLOBAL', '/dev/null')
  vi.stubEnv('GIT_CONFIG_NOSYSTEM', '1')
  vi.stubEnv('GIT_AUTHOR_NAME', undefined)
  vi.stubEnv('GIT_AUTHOR_EMAIL', undefined)
  vi.stubEnv('GIT_COMMITTER_NAME', undefined)
  vi.stubEnv('GIT_COMMITTER_EMAIL', undefined)
}

export async function createGitFixture(): Promise<GitFixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'optimize-as-code-git-'))
  const origin = path.join(root, 'origin.git')
  const workspace = path.join(root, 'workspace')
  const git = async (args: string[], cwd = workspace): Promise<string> =>
    (await run('git', [...SETUP_IDENTITY, ...args], {cwd})).stdout.trim()

  await git(['init', '-q', '--bare', '-b', 'main', origin], root)
  await git(['clone', '-q', origin, workspace], root)
  await writeFile(path.join(workspace, 'README.md'), '# Dashboards\n')
  await git(['add', 'README.md'])
  await git(['commit', '-q', '-m', 'Initial commit'])
  await git(['push', '-q', 'origin', 'main'])

  return {
    root,
    origin,
    workspace,
    git,
    async writeExport(files) {
      const folder = path.join(workspace, 'optimize')
      await rm(folder, {recursive: true, force: true})
      for (const [file, content] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(folder, file)), {recursive: true})
        await writeFile(path.join(folder, file), content)
      }
    },
    async clone(name) {
      const dir = path.join(root, name)
      await git(['clone', '-q', origin, dir], root)
      return dir
    },
    cleanup: () => rm(root, {recursive: true, force: true})
  }
}

/** An Io that keeps every line, and the secrets it was asked to mask. */
export function recordingIo(): Io & {lines: string[]; secrets: string[]} {
  const lines: string[] = []
  const secrets: string[] = []
  return {
    lines,
    secrets,
    info: m => lines.push(`info: ${m}`),
    debug: m => lines.push(`debug: ${m}`),
    warning: m => lines.push(`warning: ${m}`),
    error: m => lines.push(`error: ${m}`),
    group: async (title, fn) => {
      lines.push(`group: ${title}`)
      return fn()
    },
    setSecret: s => secrets.push(s),
    redact: text => redact(text, secrets),
    setOutput: (name, value) => lines.push(`output: ${name}=${value}`),
    appendSummary: async m => {
      lines.push(`summary: ${m}`)
    }
  }
}

export function testSettings(workspace: string, github: Partial<GitHubSettings>): Settings {
  return {
    command: 'export',
    workspace,
    dashboardIds: [],
    reportIds: [],
    manageCollection: false,
    config: {relative: '.optimize-as-code.yml', explicit: false},
    path: path.join(workspace, 'optimize'),
    relativePath: 'optimize',
    github: {
      mode: 'pull-request',
      branch: 'optimize-as-code/export',
      commitMessage: 'Update Optimize dashboards',
      prTitle: 'Update Optimize dashboards',
      prLabels: [],
      apiUrl: 'http://127.0.0.1:9',
      serverUrl: 'https://github.test',
      ...github
    },
    prune: false,
    onDrift: 'fail',
    maxDeletions: {limit: 10, explicit: false},
    batchBytes: 900_000,
    planFile: path.join(workspace, 'plan.json'),
    data: {
      output: path.join(workspace, 'optimize-data'),
      relativeOutput: 'optimize-data',
      limit: 1000,
      paginationTimeout: 120,
      format: 'ndjson'
    }
  }
}
