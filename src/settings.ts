/**
 * The only reader of action inputs. Every input is read, validated and turned
 * into a typed value here, before anything talks to a server or writes a file;
 * an error names the input and says what was expected. The CLI builds the same
 * settings from its flags through `parseSettings`.
 */
import {existsSync, readFileSync, realpathSync} from 'node:fs'
import * as path from 'node:path'
import * as core from '@actions/core'
import {
  Commands,
  Input,
  SAAS_AUDIENCE,
  SAAS_HOST_SUFFIX,
  SAAS_OAUTH_URL,
  type Command,
  type InputName
} from './constants.js'
import type {Io} from './io.js'

/** Reads one input; '' when it was not given. */
export type InputReader = (name: InputName) => string

export type Credentials =
  | {kind: 'token'; token: string}
  | {
      kind: 'client-credentials'
      clientId: string
      clientSecret: string
      oauthUrl: URL
      audience?: string
    }

export interface ConnectionSettings {
  /** Optimize's base URL without a trailing slash, including `/<clusterId>` on SaaS. */
  baseUrl: string
  credentials: Credentials
  /** Per-request timeout. */
  timeoutMs: number
  /** How often a read-only call is retried after a transient failure. */
  retries: number
  /** Most requests in flight at once against Optimize. */
  concurrency: number
  /** Most IDs per bulk export request. */
  batchSize: number
  /** First retry delay (1 s); not an input: tests shorten it instead of waiting. */
  retryBaseMs?: number
}

export type CommitMode = 'pull-request' | 'push' | 'none'

export interface GitHubSettings {
  mode: CommitMode
  token?: string
  /** Branch the export is committed to in `pull-request` mode. */
  branch: string
  /** Base branch of the pull request; the repository's default branch when empty. */
  base?: string
  commitMessage: string
  prTitle: string
  prLabels: string[]
  /** REST API root (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl: string
  serverUrl: string
  repository?: {owner: string; repo: string}
  /** First retry delay of GitHub API calls (1 s); not an input: tests shorten it. */
  retryBaseMs?: number
  /** The pull request the workflow runs on (pull_request events), for the plan comment. */
  pullRequestNumber?: number
}

export type DataFormat = 'ndjson' | 'csv'

export interface Settings {
  command: Command
  /** Absolute path of the repository checkout; nothing is written outside it. */
  workspace: string
  /** Present for the commands that talk to Optimize. */
  connection?: ConnectionSettings
  dashboardIds: string[]
  reportIds: string[]
  collectionId?: string
  /** Absolute folder of the entity files, and the same relative to the workspace (POSIX). */
  path: string
  relativePath: string
  github: GitHubSettings
  /** plan/import: delete what the target collection has and git does not. */
  prune: boolean
  /**
   * plan/import: most prune deletions a plan may make. `explicit`: the input
   * was set, which a plan that deletes every dashboard of the target needs.
   */
  maxDeletions: {limit: number; explicit: boolean}
  /** import: plan.json of an earlier plan step, to apply exactly. */
  approvedPlan?: string
  /** plan/import: the target's version when it cannot be asked (e.g. '8.6', '3.10'). */
  optimizeVersion?: string
  /** plan/import: REST API of the engine the definitions live in (Camunda 7 or 8). */
  definitionsUrl?: string
  /** plan: where plan.json is written (inside the workspace or RUNNER_TEMP). */
  planFile: string
  data: {
    output: string
    relativeOutput: string
    limit: number
    paginationTimeout: number
    format: DataFormat
  }
}

export class SettingsError extends Error {
  override name = 'SettingsError'
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/
/** What Spring's bearer-token resolver accepts (optimize-api.md §2.1). */
const BEARER_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/
const COMMANDS_WITH_OPTIMIZE: readonly Command[] = ['export', 'plan', 'import', 'export-data']
/** Prune deletions a plan may make when `max-deletions` is not set. */
export const DEFAULT_MAX_DELETIONS = 10

export function getActionSettings(io: Io): Settings {
  return parseSettings(name => core.getInput(name), process.env, io)
}

export function parseSettings(read: InputReader, env: NodeJS.ProcessEnv, io: Io): Settings {
  const get = (name: InputName): string => read(name).trim()
  const secret = (name: InputName): string => {
    const value = read(name).trim()
    if (value) io.setSecret(value)
    return value
  }
  // Secrets first, so nothing below can print them unmasked.
  const accessToken = secret(Input.AccessToken)
  const clientSecret = secret(Input.ClientSecret)
  const githubToken = secret(Input.GithubToken)

  const command = oneOf(Input.Command, get(Input.Command) || 'export', Commands)
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const entityPath = insideWorkspace(Input.Path, get(Input.Path) || 'optimize', workspace)
  const output = insideWorkspace(Input.Output, get(Input.Output) || 'optimize-data', workspace)

  let connection: ConnectionSettings | undefined
  if (COMMANDS_WITH_OPTIMIZE.includes(command)) {
    const baseUrl = optimizeUrl(get(Input.OptimizeUrl), io)
    connection = {
      baseUrl,
      credentials: credentials(get, accessToken, clientSecret, baseUrl),
      timeoutMs: integer(get, Input.Timeout, 30, 1, 600) * 1000,
      retries: integer(get, Input.Retries, 4, 0, 10),
      concurrency: integer(get, Input.Concurrency, 4, 1, 32),
      batchSize: integer(get, Input.BatchSize, 100, 1, 1000)
    }
  }

  const settings: Settings = {
    command,
    workspace,
    connection,
    dashboardIds: ids(get, Input.DashboardIds),
    reportIds: ids(get, Input.ReportIds),
    collectionId: optionalId(get, Input.CollectionId),
    path: entityPath.absolute,
    relativePath: entityPath.relative,
    github: github(get, githubToken, env),
    prune: boolean(get, Input.Prune, false),
    maxDeletions: {
      limit: integer(get, Input.MaxDeletions, DEFAULT_MAX_DELETIONS, 0, 10_000),
      explicit: get(Input.MaxDeletions) !== ''
    },
    approvedPlan: get(Input.ApprovedPlan)
      ? planPath(Input.ApprovedPlan, get(Input.ApprovedPlan), workspace, env)
      : undefined,
    optimizeVersion: optimizeVersion(get(Input.OptimizeVersion)),
    definitionsUrl: get(Input.DefinitionsUrl)
      ? httpUrl(Input.DefinitionsUrl, get(Input.DefinitionsUrl))
      : undefined,
    planFile: planPath(
      Input.PlanFile,
      get(Input.PlanFile) || path.join(env.RUNNER_TEMP || workspace, 'optimize-as-code-plan.json'),
      workspace,
      env
    ),
    data: {
      output: output.absolute,
      relativeOutput: output.relative,
      limit: integer(get, Input.Limit, 1000, 1, 10000),
      paginationTimeout: integer(get, Input.PaginationTimeout, 120, 60, 86400),
      format: oneOf(Input.Format, get(Input.Format) || 'ndjson', ['ndjson', 'csv'] as const)
    }
  }
  checkCommandNeeds(settings)
  for (const [key, value] of Object.entries({
    command,
    baseUrl: connection?.baseUrl,
    path: entityPath.relative
  })) {
    io.debug(`${key} = ${value}`)
  }
  return settings
}

function checkCommandNeeds(settings: Settings): void {
  const {command, dashboardIds, reportIds, collectionId} = settings
  if (command === 'export' && !dashboardIds.length && !reportIds.length && !collectionId) {
    throw new SettingsError(
      `Nothing to export: set input '${Input.DashboardIds}', '${Input.ReportIds}' or '${Input.CollectionId}'.`
    )
  }
  if ((command === 'plan' || command === 'import') && !collectionId) {
    throw new SettingsError(
      `Input '${Input.CollectionId}' is required for '${command}': the target collection.`
    )
  }
  if (settings.approvedPlan && command !== 'import') {
    throw new SettingsError(`Input '${Input.ApprovedPlan}' is only for 'import'.`)
  }
  if (command === 'export-data' && !reportIds.length) {
    throw new SettingsError(`Input '${Input.ReportIds}' is required for 'export-data'.`)
  }
}

function optimizeUrl(raw: string, io: Io): string {
  if (!raw)
    throw new SettingsError(
      `Input '${Input.OptimizeUrl}' is required, e.g. https://optimize.example.com.`
    )
  const url = new URL(httpUrl(Input.OptimizeUrl, raw))
  if (url.search || url.hash) {
    throw new SettingsError(
      `Input '${Input.OptimizeUrl}' must not have a query or fragment, got '${url.origin}${url.pathname}${url.search}'.`
    )
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    io.warning(
      `Input '${Input.OptimizeUrl}' uses plain http:// to ${url.hostname}: the token travels unencrypted. Use https:// outside a trusted network.`
    )
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function httpUrl(name: InputName, raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new SettingsError(
      `Input '${name}' is not a valid URL: '${raw}'. Expected e.g. https://host/path.`
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SettingsError(
      `Input '${name}' must be an http:// or https:// URL, got '${url.protocol}'.`
    )
  }
  if (url.username || url.password) {
    throw new SettingsError(
      `Input '${name}' must not carry credentials in the URL; use the credential inputs.`
    )
  }
  return url.toString()
}

function credentials(
  get: (name: InputName) => string,
  accessToken: string,
  clientSecret: string,
  baseUrl: string
): Credentials {
  const clientId = get(Input.ClientId)
  if (accessToken && (clientId || clientSecret)) {
    throw new SettingsError(
      `Inputs '${Input.AccessToken}' and '${Input.ClientId}'/'${Input.ClientSecret}' contradict each other: set a static token or client credentials, not both.`
    )
  }
  if (accessToken) {
    if (!BEARER_PATTERN.test(accessToken)) {
      throw new SettingsError(
        `Input '${Input.AccessToken}' has characters a bearer token cannot have (only letters, digits and -._~+/ then '='); check for spaces or quotes.`
      )
    }
    return {kind: 'token', token: accessToken}
  }
  if (!clientId && !clientSecret) {
    throw new SettingsError(
      `No credentials: set input '${Input.AccessToken}', or '${Input.ClientId}' and '${Input.ClientSecret}'.`
    )
  }
  if (!clientId || !clientSecret) {
    throw new SettingsError(
      `Inputs '${Input.ClientId}' and '${Input.ClientSecret}' go together: one of them is missing.`
    )
  }
  const isSaas = new URL(baseUrl).hostname.endsWith(SAAS_HOST_SUFFIX)
  const oauthRaw = get(Input.OauthUrl) || (isSaas ? SAAS_OAUTH_URL : '')
  if (!oauthRaw) {
    throw new SettingsError(
      `Input '${Input.OauthUrl}' is required with client credentials outside Camunda SaaS, e.g. https://keycloak/auth/realms/camunda-platform/protocol/openid-connect/token.`
    )
  }
  const audience = get(Input.Audience) || (isSaas ? SAAS_AUDIENCE : undefined)
  return {
    kind: 'client-credentials',
    clientId,
    clientSecret,
    oauthUrl: new URL(httpUrl(Input.OauthUrl, oauthRaw)),
    audience
  }
}

function github(
  get: (name: InputName) => string,
  token: string,
  env: NodeJS.ProcessEnv
): GitHubSettings {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const branch = get(Input.Branch) || 'optimize-as-code/export'
  if (!/^(?!\/|.*\/\/|.*\.\.|.*\.lock$|.*\/$)[A-Za-z0-9._/-]+$/.test(branch)) {
    throw new SettingsError(`Input '${Input.Branch}' is not a valid branch name: '${branch}'.`)
  }
  return {
    mode: oneOf(Input.Commit, get(Input.Commit) || 'pull-request', [
      'pull-request',
      'push',
      'none'
    ] as const),
    token: token || undefined,
    branch,
    base: get(Input.Base) || undefined,
    commitMessage: get(Input.CommitMessage) || 'Update Optimize dashboards',
    prTitle: get(Input.PrTitle) || 'Update Optimize dashboards',
    prLabels: list(get(Input.PrLabels)),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, ''),
    repository: owner && repo ? {owner, repo} : undefined,
    pullRequestNumber: pullRequestOfEvent(env)
  }
}

/** The pull request number of a pull_request(_target) event, from the event payload. */
function pullRequestOfEvent(env: NodeJS.ProcessEnv): number | undefined {
  if (!env.GITHUB_EVENT_NAME?.startsWith('pull_request') || !env.GITHUB_EVENT_PATH) return undefined
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as {
      pull_request?: {number?: unknown}
    }
    const number = event.pull_request?.number
    return typeof number === 'number' ? number : undefined
  } catch {
    return undefined
  }
}

function insideWorkspace(
  name: InputName,
  raw: string,
  workspace: string
): {absolute: string; relative: string} {
  if (raw.includes('\0')) throw new SettingsError(`Input '${name}' contains a NUL character.`)
  const absolute = path.resolve(workspace, raw)
  const relative = path.relative(workspace, absolute)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new SettingsError(
      `Input '${name}' must be a folder inside the workspace '${workspace}', got '${raw}'.`
    )
  }
  refuseGitFolder(name, raw, relative)
  refuseLinkOut(name, raw, absolute, workspace, 'the workspace')
  return {absolute, relative: relative.split(path.sep).join('/')}
}

/**
 * A plan file's absolute path: inside the workspace or RUNNER_TEMP (where
 * actions/upload-artifact and download-artifact put it), never in `.git`.
 */
function planPath(name: InputName, raw: string, workspace: string, env: NodeJS.ProcessEnv): string {
  if (raw.includes('\0')) throw new SettingsError(`Input '${name}' contains a NUL character.`)
  const absolute = path.resolve(workspace, raw)
  const roots = [workspace, env.RUNNER_TEMP ? path.resolve(env.RUNNER_TEMP) : undefined]
  const root = roots.find(r => r !== undefined && isStrictlyInside(r, absolute))
  if (!root) {
    throw new SettingsError(
      `Input '${name}' must name a file inside the workspace '${workspace}'${env.RUNNER_TEMP ? ` or RUNNER_TEMP '${env.RUNNER_TEMP}'` : ''}, got '${raw}'.`
    )
  }
  refuseGitFolder(name, raw, path.relative(root, absolute))
  refuseLinkOut(
    name,
    raw,
    path.dirname(absolute),
    root,
    root === workspace ? 'the workspace' : 'RUNNER_TEMP'
  )
  return absolute
}

function isStrictlyInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

/** Git's own folder is never a place for the action's files. */
function refuseGitFolder(name: InputName, raw: string, relative: string): void {
  if (relative.split(/[\\/]/).some(part => part.toLowerCase() === '.git')) {
    throw new SettingsError(`Input '${name}' must not point into a .git folder, got '${raw}'.`)
  }
}

/** A symbolic link on the way could lead the files out of `root`. */
function refuseLinkOut(
  name: InputName,
  raw: string,
  absolute: string,
  root: string,
  rootName: string
): void {
  if (!existsSync(root)) return
  const realRoot = realpathSync(root)
  let existing = absolute
  while (!existsSync(existing)) existing = path.dirname(existing)
  const realRelative = path.relative(realRoot, realpathSync(existing))
  if (realRelative.startsWith('..') || path.isAbsolute(realRelative)) {
    throw new SettingsError(
      `Input '${name}' ('${raw}') goes through a symbolic link that leads out of ${rootName}.`
    )
  }
}

function list(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[\n,]/)
        .map(item => item.trim())
        .filter(Boolean)
    )
  ]
}

function ids(get: (name: InputName) => string, name: InputName): string[] {
  const result: string[] = []
  let position = 0
  // Blank lines and a trailing comma are layout; an empty item between commas is a typo.
  for (const line of get(name).split('\n')) {
    const items = line.split(',').map(item => item.trim())
    if (items.length > 1 && items.at(-1) === '') items.pop()
    if (items.length === 1 && items[0] === '') continue
    for (const item of items) {
      position++
      if (item === '')
        throw new SettingsError(`Input '${name}' has an empty ID at position ${position}.`)
      if (!ID_PATTERN.test(item)) {
        throw new SettingsError(
          `Input '${name}' has an invalid ID at position ${position}: ${JSON.stringify(item)}. Optimize IDs are letters, digits and -._: without spaces, slashes or quotes.`
        )
      }
      if (!result.includes(item)) result.push(item)
    }
  }
  return result
}

function optionalId(get: (name: InputName) => string, name: InputName): string | undefined {
  const value = get(name)
  if (!value) return undefined
  if (!ID_PATTERN.test(value)) {
    throw new SettingsError(`Input '${name}' is not a valid Optimize ID: ${JSON.stringify(value)}.`)
  }
  return value
}

function integer(
  get: (name: InputName) => string,
  name: InputName,
  fallback: number,
  min: number,
  max: number
): number {
  const raw = get(name)
  if (!raw) return fallback
  if (!/^-?\d+$/.test(raw))
    throw new SettingsError(
      `Input '${name}' must be a whole number from ${min} to ${max}, got '${raw}'.`
    )
  const value = Number(raw)
  if (value < min || value > max) {
    throw new SettingsError(`Input '${name}' must be from ${min} to ${max}, got ${value}.`)
  }
  return value
}

function boolean(get: (name: InputName) => string, name: InputName, fallback: boolean): boolean {
  const raw = get(name)
  if (!raw) return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new SettingsError(`Input '${name}' must be 'true' or 'false', got '${raw}'.`)
}

function oneOf<T extends string>(name: InputName, raw: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  throw new SettingsError(
    `Input '${name}' must be one of ${allowed.map(a => `'${a}'`).join(', ')}, got '${raw}'.`
  )
}

function optimizeVersion(raw: string): string | undefined {
  if (!raw) return undefined
  if (!/^\d+\.\d+(\.\d+)?$/.test(raw)) {
    throw new SettingsError(
      `Input '${Input.OptimizeVersion}' must look like '8.6' or '3.10.0', got '${raw}'.`
    )
  }
  return raw
}
