/**
 * One description per input and output: action.yml, the README tables and
 * the CLI's --help are generated from or checked against this list
 * (scripts/generate-docs.ts; test/docs.test.ts fails when they drift).
 */
import {Input, Output, type InputName} from './constants.js'

export interface InputDoc {
  name: InputName
  description: string
  /** The default as action.yml states it. */
  default?: string
  /** Commands the input applies to; all when absent. */
  commands?: string[]
  secret?: boolean
}

/** The commands that talk to Optimize, and so take the connection inputs. */
const WITH_OPTIMIZE = ['export', 'plan', 'import', 'export-data']

export const INPUT_DOCS: InputDoc[] = [
  {
    name: Input.Command,
    description: 'What to do: export, validate, plan, import or export-data.',
    default: 'export'
  },
  {
    name: Input.OptimizeUrl,
    description: 'Base URL of Optimize, including the /<clusterId> part on Camunda SaaS.',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.AccessToken,
    description: "Static API token (Optimize's api.accessToken). Not together with client-id.",
    secret: true,
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.ClientId,
    description:
      'OAuth2 client ID for the client-credentials grant (Camunda SaaS, Identity/Keycloak).',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.ClientSecret,
    description: 'OAuth2 client secret.',
    secret: true,
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.OauthUrl,
    description:
      'Token endpoint. Default on Camunda SaaS: https://login.cloud.camunda.io/oauth/token.',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.Audience,
    description:
      'Token audience, sent only when set (default on Camunda SaaS: optimize.camunda.io). Keycloak ignores it and takes the audience from the client; Auth0 needs it.',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.Scope,
    description:
      'Token scope, sent only when set. Microsoft Entra ID requires it for client credentials: <application ID URI of Optimize>/.default.',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.DashboardIds,
    description: 'Dashboard IDs to export, separated by newlines or commas.',
    commands: ['export']
  },
  {
    name: Input.ReportIds,
    description:
      'Report IDs to export (export: standalone reports; export-data: reports whose results to fetch).',
    commands: ['export', 'export-data']
  },
  {
    name: Input.CollectionId,
    description:
      'export: export every dashboard of this collection and its reports on no dashboard. plan/import: the target collection.',
    commands: ['export', 'plan', 'import']
  },
  {
    name: Input.ManageCollection,
    description:
      "plan/import: bring the target collection up to the files: add the data sources (definitions and tenants) that collection.json and the reports need, never removing one, and with 'collection-name' create the collection. Needs Optimize 8.6 or later.",
    default: 'false',
    commands: ['plan', 'import']
  },
  {
    name: Input.CollectionName,
    description:
      "plan/import with manage-collection: the target collection by its exact name, instead of 'collection-id'. Import creates it when no collection has that name; two with that name is an error.",
    commands: ['plan', 'import']
  },
  {
    name: Input.CollectionOwner,
    description:
      "plan/import: the Optimize user ID a collection that import creates belongs to. It becomes the collection's manager, and only its roles see a collection in Optimize.",
    commands: ['plan', 'import']
  },
  {
    name: Input.Environment,
    description:
      "plan/import: the environment of the config file (input 'config') whose mapping applies: every report's definition keys and tenants, and collection.json's data sources, are renamed for the target before comparing and importing, and reports pinned to versions the target lacks follow the environment's 'versions' policy. The files keep the source values.",
    commands: ['plan', 'import']
  },
  {
    name: Input.Config,
    description:
      "The environments file, relative to the workspace: per environment, 'tenants' and 'definitions' maps from source to target and a 'versions' policy (keep, latest or all). validate checks it when it exists.",
    default: '.optimize-as-code.yml',
    commands: ['validate', 'plan', 'import']
  },
  {
    name: Input.Path,
    description: 'Folder of the entity files, relative to the workspace.',
    default: 'optimize',
    commands: ['export', 'validate', 'plan', 'import']
  },
  {
    name: Input.Timeout,
    description: 'Seconds to wait for one HTTP request (1-600).',
    default: '30',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.Retries,
    description: 'Retries of a read-only request after a transient failure (0-10).',
    default: '4',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.Concurrency,
    description: 'Most requests to Optimize in flight at once (1-32).',
    default: '4',
    commands: WITH_OPTIMIZE
  },
  {
    name: Input.BatchSize,
    description: 'Most IDs per bulk export request, and dashboards per import request (1-1000).',
    default: '100',
    commands: ['export', 'plan', 'import']
  },
  {
    name: Input.BatchBytes,
    description:
      'Most bytes of one import request body (10000-100000000). The default stays under the 1 MB request body limit ingress-nginx sets unless told otherwise; raise it if your proxy allows more.',
    default: '900000',
    commands: ['import']
  },
  {
    name: Input.Commit,
    description:
      'export: pull-request (commit to a branch and open or update one pull request), push (commit to the current branch) or none (write files only). import: any value but none also pushes the record of the import (a git ref) to origin.',
    default: 'pull-request',
    commands: ['export', 'import']
  },
  {
    name: Input.GithubToken,
    description:
      'Token for pushing, pull requests and the plan comment (needs contents: write and pull-requests: write); import pushes its record with it.',
    default: '${{ github.token }}',
    secret: true,
    commands: ['export', 'plan', 'import']
  },
  {
    name: Input.Branch,
    description: 'Branch the export is committed to in pull-request mode.',
    default: 'optimize-as-code/export',
    commands: ['export']
  },
  {
    name: Input.Base,
    description: "Base branch of the pull request; the repository's default branch when empty.",
    commands: ['export']
  },
  {
    name: Input.CommitMessage,
    description: 'Commit message.',
    default: 'Update Optimize dashboards',
    commands: ['export']
  },
  {
    name: Input.PrTitle,
    description: 'Pull request title.',
    default: 'Update Optimize dashboards',
    commands: ['export']
  },
  {
    name: Input.PrLabels,
    description: 'Labels added to the pull request, separated by newlines or commas.',
    commands: ['export']
  },
  {
    name: Input.OptimizeVersion,
    description:
      "The target's Optimize version (e.g. 8.6 or 3.10), when its index versions cannot be learned from the target.",
    commands: ['plan', 'import']
  },
  {
    name: Input.DefinitionsUrl,
    description:
      'REST API of the Camunda 7 engine or Camunda 8 cluster, to check that the definitions the reports need exist.',
    commands: ['plan', 'import']
  },
  {
    name: Input.Prune,
    description: 'Delete dashboards and reports of the target collection that are not in git.',
    default: 'false',
    commands: ['plan', 'import']
  },
  {
    name: Input.MaxDeletions,
    description:
      'Most dashboards and standalone reports a plan may delete for prune (0-10000; 10 when not set). A plan that deletes more, or every dashboard of the target, is refused unless this is set high enough.',
    commands: ['plan', 'import']
  },
  {
    name: Input.OnDrift,
    description:
      "What import does with a dashboard or standalone report changed in the target since the last import (drift, e.g. a hand edit): fail (import refuses, writing nothing), skip (leave it as the target has it) or overwrite (replace it with the files' version).",
    default: 'fail',
    commands: ['plan', 'import']
  },
  {
    name: Input.PlanFile,
    description:
      'Where plan writes plan.json, inside the workspace or $RUNNER_TEMP. Default: $RUNNER_TEMP/optimize-as-code-plan.json.',
    commands: ['plan', 'import']
  },
  {
    name: Input.ApprovedPlan,
    description:
      'import: a plan.json written by an earlier plan step (inside the workspace or $RUNNER_TEMP). Import applies exactly that plan, and refuses, writing nothing, when the files or the target changed since.',
    commands: ['import']
  },
  {
    name: Input.Output,
    description: 'Folder export-data writes result files to, relative to the workspace.',
    default: 'optimize-data',
    commands: ['export-data']
  },
  {
    name: Input.Limit,
    description: 'Records per page of a raw-data export (1-10000).',
    default: '1000',
    commands: ['export-data']
  },
  {
    name: Input.PaginationTimeout,
    description: 'Seconds Optimize keeps a paginated export open between pages (at least 60).',
    default: '120',
    commands: ['export-data']
  },
  {
    name: Input.Format,
    description: 'export-data file format: ndjson (one record a line) or csv.',
    default: 'ndjson',
    commands: ['export-data']
  }
]

export const OUTPUT_DOCS: {name: string; description: string}[] = [
  {name: Output.Changed, description: "export: 'true' when any file changed."},
  {
    name: Output.Files,
    description: 'export, export-data: JSON list of the files written, relative to the workspace.'
  },
  {name: Output.Summary, description: 'Markdown summary of what the command did.'},
  {
    name: Output.PullRequestNumber,
    description: 'export: number of the pull request opened or updated.'
  },
  {name: Output.PullRequestUrl, description: 'export: URL of that pull request.'},
  {name: Output.CommitSha, description: 'export: the commit made, if any.'},
  {name: Output.Plan, description: 'plan/import: path of plan.json.'},
  {
    name: Output.HasChanges,
    description: "plan/import: 'true' when the plan creates, replaces or deletes anything."
  },
  {name: Output.ImportedIds, description: 'import: JSON object of file path → ID in the target.'},
  {
    name: Output.CollectionId,
    description: 'plan/import: ID of the target collection (import: also one it created).'
  },
  {name: Output.Records, description: 'export-data: number of records written.'}
]
