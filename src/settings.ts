/**
 * The only reader of action inputs. Every input is read, validated and turned
 * into a typed value here, before anything talks to a server or writes a file;
 * an error names the input and says what was expected. The CLI builds the same
 * settings from its flags through `parseSettings`.
 *
 * Over 300 lines: the Settings type and the one reading of every input stay
 * together; how each value is parsed and checked is in settings-values.ts.
 */
import {readFileSync} from 'node:fs'
import * as path from 'node:path'
import {Commands, Input, type Command, type InputName} from './constants.js'
import {CONFIG_FILE} from './entities/environment-config.js'
import type {OnDrift} from './entities/drift.js'
import type {Io} from './io.js'
import {
  boolean,
  credentials,
  optimizeUrl,
  httpUrl,
  ids,
  insideWorkspace,
  integer,
  list,
  oneOf,
  optimizeVersion,
  optionalId,
  optionalText,
  planPath,
  SettingsError,
  type Get
} from './settings-values.js'

export {SettingsError} from './settings-values.js'

export type Credentials =
  | {kind: 'token'; token: string}
  | {
      kind: 'client-credentials'
      clientId: string
      clientSecret: string
      oauthUrl: URL
      audience?: string
      scope?: string
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
  /** Most IDs per bulk export request, and units per import request. */
  batchSize: number
  /** First retry delay (1 s); not an input: tests shorten it instead of waiting. */
  retryBaseMs?: number
}

const COMMIT_MODES = ['pull-request', 'push', 'none'] as const
export type CommitMode = (typeof COMMIT_MODES)[number]

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

const DATA_FORMATS = ['ndjson', 'csv'] as const
export type DataFormat = (typeof DATA_FORMATS)[number]

export interface Settings {
  command: Command
  /** Absolute path of the repository checkout; nothing is written outside it. */
  workspace: string
  /** Present for the commands that talk to Optimize. */
  connection?: ConnectionSettings
  dashboardIds: string[]
  reportIds: string[]
  collectionId?: string
  /** plan/import with manageCollection: the target collection by its exact name, instead of collectionId. */
  collectionName?: string
  /** plan/import: the Optimize user a collection that import creates belongs to (its manager). */
  collectionOwner?: string
  /** plan/import: add the data sources the files need to the target collection, and create it by name. */
  manageCollection: boolean
  /** plan/import: the environment of the config file whose mapping applies. */
  environment?: string
  /** The environments file relative to the workspace (POSIX); `explicit`: input 'config' was set. */
  config: {relative: string; explicit: boolean}
  /** Absolute folder of the entity files, and the same relative to the workspace (POSIX). */
  path: string
  relativePath: string
  github: GitHubSettings
  /** plan/import: delete what the target collection has and git does not. */
  prune: boolean
  /** plan/import: what to do with units changed in the target since the last import (drift.ts). */
  onDrift: OnDrift
  /**
   * plan/import: most prune deletions a plan may make. `explicit`: the input
   * was set, which a plan that deletes every dashboard of the target needs.
   */
  maxDeletions: {limit: number; explicit: boolean}
  /** import: most bytes of one import request body (proxies cap request bodies). */
  batchBytes: number
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

const COMMANDS_WITH_OPTIMIZE: readonly Command[] = ['export', 'plan', 'import', 'export-data']
/** Longest collection name or owner id taken (Optimize's entity.nameMaxLength default is 255). */
const MAX_NAME_LENGTH = 255

export function parseSettings(read: Get, env: NodeJS.ProcessEnv, io: Io): Settings {
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
    collectionName: optionalText(get, Input.CollectionName, MAX_NAME_LENGTH),
    collectionOwner: optionalText(get, Input.CollectionOwner, MAX_NAME_LENGTH),
    manageCollection: boolean(get, Input.ManageCollection, false),
    environment: optionalText(get, Input.Environment, MAX_NAME_LENGTH),
    config: {
      relative: get(Input.Config)
        ? insideWorkspace(Input.Config, get(Input.Config), workspace, 'file').relative
        : CONFIG_FILE,
      explicit: get(Input.Config) !== ''
    },
    path: entityPath.absolute,
    relativePath: entityPath.relative,
    github: github(get, githubToken, env),
    prune: boolean(get, Input.Prune, false),
    onDrift: oneOf(Input.OnDrift, get(Input.OnDrift) || 'fail', [
      'fail',
      'skip',
      'overwrite'
    ] as const),
    maxDeletions: {
      limit: integer(get, Input.MaxDeletions, 10, 0, 10_000),
      explicit: get(Input.MaxDeletions) !== ''
    },
    batchBytes: integer(get, Input.BatchBytes, 900_000, 10_000, 100_000_000),
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
      format: oneOf(Input.Format, get(Input.Format) || 'ndjson', DATA_FORMATS)
    }
  }
  checkCommandNeeds(settings)
  io.debug(`command = ${command}`)
  io.debug(`baseUrl = ${connection?.baseUrl}`)
  io.debug(`path = ${entityPath.relative}`)
  return settings
}

function checkCommandNeeds(settings: Settings): void {
  const {command, dashboardIds, reportIds, collectionId, collectionName} = settings
  if (command === 'export' && !dashboardIds.length && !reportIds.length && !collectionId) {
    throw new SettingsError(
      `Nothing to export: set input '${Input.DashboardIds}', '${Input.ReportIds}' or '${Input.CollectionId}'.`
    )
  }
  const promotes = command === 'plan' || command === 'import'
  if (promotes && collectionId && collectionName) {
    throw new SettingsError(
      `Inputs '${Input.CollectionId}' and '${Input.CollectionName}' name the target collection twice: set one of them.`
    )
  }
  if (promotes && !collectionId && !collectionName) {
    throw new SettingsError(
      `Input '${Input.CollectionId}' (or '${Input.CollectionName}' with '${Input.ManageCollection}' true) is required for '${command}': the target collection.`
    )
  }
  if (promotes && collectionName && !settings.manageCollection) {
    throw new SettingsError(
      `Input '${Input.CollectionName}' needs '${Input.ManageCollection}: true': import may create the collection and add its data sources.`
    )
  }
  if (settings.environment && !promotes) {
    throw new SettingsError(`Input '${Input.Environment}' is only for 'plan' and 'import'.`)
  }
  if (settings.approvedPlan && command !== 'import') {
    throw new SettingsError(`Input '${Input.ApprovedPlan}' is only for 'import'.`)
  }
  if (command === 'export-data' && !reportIds.length) {
    throw new SettingsError(`Input '${Input.ReportIds}' is required for 'export-data'.`)
  }
}

function github(get: Get, token: string, env: NodeJS.ProcessEnv): GitHubSettings {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/')
  const branch = get(Input.Branch) || 'optimize-as-code/export'
  if (!/^(?!\/|.*\/\/|.*\.\.|.*\.lock$|.*\/$)[A-Za-z0-9._/-]+$/.test(branch)) {
    throw new SettingsError(`Input '${Input.Branch}' is not a valid branch name: '${branch}'.`)
  }
  return {
    mode: oneOf(Input.Commit, get(Input.Commit) || 'pull-request', COMMIT_MODES),
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
