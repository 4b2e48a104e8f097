/** Names of the action's inputs and outputs, in one place (action.yml lists the same). */
export const Input = {
  Command: 'command',
  OptimizeUrl: 'optimize-url',
  AccessToken: 'access-token',
  ClientId: 'client-id',
  ClientSecret: 'client-secret',
  OauthUrl: 'oauth-url',
  Audience: 'audience',
  Scope: 'scope',
  DashboardIds: 'dashboard-ids',
  ReportIds: 'report-ids',
  CollectionId: 'collection-id',
  CollectionName: 'collection-name',
  CollectionOwner: 'collection-owner',
  ManageCollection: 'manage-collection',
  Environment: 'environment',
  Config: 'config',
  Path: 'path',
  Timeout: 'timeout',
  Retries: 'retries',
  Concurrency: 'concurrency',
  BatchSize: 'batch-size',
  BatchBytes: 'batch-bytes',
  Commit: 'commit',
  GithubToken: 'github-token',
  Branch: 'branch',
  Base: 'base',
  CommitMessage: 'commit-message',
  PrTitle: 'pr-title',
  PrLabels: 'pr-labels',
  OptimizeVersion: 'optimize-version',
  DefinitionsUrl: 'definitions-url',
  Prune: 'prune',
  MaxDeletions: 'max-deletions',
  OnDrift: 'on-drift',
  PlanFile: 'plan-file',
  ApprovedPlan: 'approved-plan',
  Output: 'output',
  Limit: 'limit',
  PaginationTimeout: 'pagination-timeout',
  Format: 'format'
} as const
export type InputName = (typeof Input)[keyof typeof Input]

export const Output = {
  Changed: 'changed',
  Files: 'files',
  Summary: 'summary',
  PullRequestNumber: 'pull-request-number',
  PullRequestUrl: 'pull-request-url',
  CommitSha: 'commit-sha',
  Plan: 'plan',
  HasChanges: 'has-changes',
  ImportedIds: 'imported-ids',
  CollectionId: 'collection-id',
  Records: 'records'
} as const

export const Commands = ['export', 'validate', 'plan', 'import', 'export-data'] as const
export type Command = (typeof Commands)[number]

/** The command line's name: the package, its `bin`, and the first word of its help. */
export const CLI_NAME = 'optimize-as-code'

/**
 * Environment variables the CLI reads an option from when its flag is not
 * given: the connection settings, so secrets stay out of shell history and a
 * shell can keep them for every command.
 */
export const CliEnv: Partial<Record<InputName, string>> = {
  'optimize-url': 'OPTIMIZE_URL',
  'access-token': 'OPTIMIZE_ACCESS_TOKEN',
  'client-id': 'OPTIMIZE_CLIENT_ID',
  'client-secret': 'OPTIMIZE_CLIENT_SECRET',
  'oauth-url': 'OPTIMIZE_OAUTH_URL',
  audience: 'OPTIMIZE_AUDIENCE',
  scope: 'OPTIMIZE_SCOPE',
  'github-token': 'GITHUB_TOKEN'
}

export const SAAS_HOST_SUFFIX = 'optimize.camunda.io'
export const SAAS_OAUTH_URL = 'https://login.cloud.camunda.io/oauth/token'
export const SAAS_AUDIENCE = 'optimize.camunda.io'
