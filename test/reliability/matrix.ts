/**
 * The fault matrix as data: one row per fault × command. fault-matrix.test.ts
 * turns every row into a test (once with a static token, once with client
 * credentials), and scripts/reliability-table.ts renders the README table from
 * the same rows, so the documentation cannot promise what no test checks.
 *
 * Only type imports here: the script loads this file without vitest or the emulator.
 */
import type {FaultRule, RouteName} from '../../emulator/index.js'
import type {InputName} from '../../src/constants.js'
import type {Failure, Operation} from '../helpers/fake-github.js'

/** `pull-request` is the publishing step of `export` with `commit: pull-request`. */
export type MatrixCommand = 'export' | 'plan' | 'import' | 'export-data' | 'pull-request'
export type Outcome = 'retried' | 'failed-clearly'
export type CredentialKind = 'token' | 'client-credentials'

/** How a row's fault is injected, interpreted by harness.ts. */
export type Injection =
  | {kind: 'optimize'; rules: FaultRule[]}
  | {kind: 'retry-after'; route: RouteName; seconds: number; skip?: number}
  | {kind: 'import-write'; k: number}
  | {kind: 'scroll-expiry'; pages: number}
  | {kind: 'github'; operation: Operation; failure: Failure}
  /** A proxy holds the answer back: the server did the work, the client times out first. */
  | {kind: 'late-answer'; method: string; path: RegExp; delayMs: number}
  /**
   * The emulator answers with `rule` and a body echoing the request (its
   * Authorization header among it), every secret of the row in every form
   * (helpers.ts echoTexts) and credentials the run never knew. Route
   * 'unknown' is the engine API: the harness points `definitions-url` there.
   */
  | {kind: 'echo'; rule: Omit<FaultRule, 'echo'>}
  /** The same echo in the message of the fake GitHub's `failure`. */
  | {kind: 'github-echo'; operation: Operation; failure: Omit<Failure, 'echo'>}

export interface MatrixRow {
  fault: string
  command: MatrixCommand
  outcome: Outcome
  /** What stays true whatever happened (checked by the harness for every row). */
  guarantee: string
  inject: Injection
  /** The credentials the row runs with; both when absent. */
  credentials?: CredentialKind[]
  /** Inputs beside the defaults (short timeouts for hang rows). */
  inputs?: Partial<Record<InputName, string>>
  /** What a failure message must say: what happened and what to do. */
  message?: RegExp
}

const GATEWAY = (status: number): string =>
  JSON.stringify({message: `${status} from the load balancer`})

/** A scroll continuation that Elasticsearch no longer knows (optimize-api.md §5.3). */
export const SCROLL_GONE_BODY = JSON.stringify({
  errorCode: 'badRequestError',
  errorMessage: 'The server was unable to process the request.',
  detailedMessage:
    'Failed to retrieve the next page of the report result: Elasticsearch exception [type=search_context_missing_exception, reason=No search context found for id [1234]]',
  reportDefinition: null
})

const EXPIRED_TOKEN = {
  'www-authenticate':
    'Bearer error="invalid_token", error_description="Jwt expired at 2026-01-01T00:00:00Z"'
}

/** What every echo row adds to its command's guarantee (the harness checks it for every row). */
const REDACTED = 'no secret, known or not, in the log, outputs, summary, files or the error'
const ECHO = 'error body echoing every secret'

const FILES_GUARANTEE = 'files as before, or the complete new export'
const DATA_GUARANTEE = 'each data file complete or absent; the manifest lists exactly those'
const PR_GUARANTEE = 'branch absent or holds the complete export; at most one pull request'
const PLAN_GUARANTEE = 'collection untouched; plan file complete or absent'
const IMPORT_GUARANTEE =
  'the collection holds the old or the new dashboards, no duplicate, none missing'

/** The transient faults every Optimize command must ride out, on `route`, after `skip` requests. */
function transientRows(
  command: MatrixCommand,
  route: RouteName,
  guarantee: string,
  skip = 0
): MatrixRow[] {
  const rule = (extra: Partial<FaultRule>): FaultRule => ({route, skip, ...extra})
  return [
    {
      fault: '429 with Retry-After: 1',
      command,
      outcome: 'retried',
      guarantee,
      inject: {kind: 'retry-after', route, seconds: 1, skip}
    },
    ...[502, 503, 504].map((status): MatrixRow => ({
      fault: `${status} once`,
      command,
      outcome: 'retried',
      guarantee,
      inject: {kind: 'optimize', rules: [rule({status, body: GATEWAY(status)})]}
    })),
    {
      fault: 'connection reset',
      command,
      outcome: 'retried',
      guarantee,
      inject: {kind: 'optimize', rules: [rule({reset: true})]}
    },
    {
      fault: 'no answer within the timeout (1 s)',
      command,
      outcome: 'retried',
      guarantee,
      inject: {kind: 'optimize', rules: [rule({delayMs: 1500})]},
      inputs: {timeout: '1'}
    },
    {
      fault: 'truncated JSON body',
      command,
      outcome: 'retried',
      guarantee,
      inject: {kind: 'optimize', rules: [rule({truncate: true})]}
    },
    {
      fault: '401 after the token expired',
      command,
      outcome: 'retried',
      guarantee: `${guarantee}; the token is renewed once`,
      inject: {kind: 'optimize', rules: [rule({status: 401, headers: EXPIRED_TOKEN})]},
      credentials: ['client-credentials']
    },
    {
      fault: '401 on every request',
      command,
      outcome: 'failed-clearly',
      guarantee,
      inject: {
        kind: 'optimize',
        rules: [rule({status: 401, headers: EXPIRED_TOKEN, times: Infinity})]
      },
      message: /401 Unauthorized.*Check ('access-token'|the client credentials, 'audience')/
    },
    {
      fault: '503 on every attempt',
      command,
      outcome: 'failed-clearly',
      guarantee,
      inject: {kind: 'optimize', rules: [rule({status: 503, times: Infinity})]},
      message: /503.*(try again|run again)/i
    }
  ]
}

/** A server or proxy that echoes the request and every secret in an error body (issue 16). */
function echoRows(): MatrixRow[] {
  const echo = (
    command: MatrixCommand,
    fault: string,
    guarantee: string,
    rule: Omit<FaultRule, 'echo'>,
    more: Partial<MatrixRow>
  ): MatrixRow => ({
    fault,
    command,
    outcome: 'failed-clearly',
    guarantee: `${guarantee}; ${REDACTED}`,
    inject: {kind: 'echo', rule},
    ...more
  })
  const token = {route: 'token', status: 401, times: Infinity} as const
  return [
    echo(
      'export',
      `${ECHO} (400)`,
      FILES_GUARANTEE,
      {route: 'exportDashboards', status: 400},
      {
        message: /400/
      }
    ),
    // Logged on the way: the retry's line quotes the answer.
    echo(
      'export',
      `${ECHO} (502 once)`,
      FILES_GUARANTEE,
      {route: 'exportDashboards', status: 502},
      {
        outcome: 'retried'
      }
    ),
    echo('export', `OAuth token endpoint: ${ECHO} (401)`, FILES_GUARANTEE, token, {
      message: /token endpoint .* answered 401 [\s\S]*Check 'client-id', 'client-secret'/,
      credentials: ['client-credentials']
    }),
    echo(
      'export-data',
      `${ECHO} (400)`,
      DATA_GUARANTEE,
      {route: 'exportResult', skip: 1, status: 400},
      {
        message: /Report .*400/
      }
    ),
    // The plan writes plan.json and its summary even when a prerequisite fails.
    echo(
      'plan',
      `${ECHO} (400)`,
      PLAN_GUARANTEE,
      {route: 'exportDashboards', status: 400},
      {
        message: /400/
      }
    ),
    echo(
      'plan',
      `the engine at definitions-url: ${ECHO} (500)`,
      PLAN_GUARANTEE,
      {route: 'unknown', status: 500, times: Infinity},
      {message: /definitions: could not ask .*answered 500/}
    ),
    echo('plan', `OAuth token endpoint: ${ECHO} (401)`, PLAN_GUARANTEE, token, {
      message: /credentials: .*token endpoint .* answered 401/,
      credentials: ['client-credentials']
    }),
    echo(
      'import',
      `import call: ${ECHO} (400)`,
      IMPORT_GUARANTEE,
      {route: 'import', skip: 1, status: 400},
      {
        message: /Import failed, the target keeps its previous versions/
      }
    ),
    {
      fault: `GitHub API: ${ECHO} (401)`,
      command: 'pull-request',
      outcome: 'failed-clearly',
      guarantee: `${PR_GUARANTEE}; the next run opens it; ${REDACTED}`,
      inject: {
        kind: 'github-echo',
        operation: 'pulls/create',
        failure: {status: 401, message: 'Bad credentials'}
      },
      message: /create the pull request.*the GitHub token was rejected \(401 Bad credentials/
    }
  ]
}

export const MATRIX: MatrixRow[] = [
  ...transientRows('export', 'exportDashboards', FILES_GUARANTEE),
  // skip: 1 puts the fault on a scroll continuation, the delicate part (§5.3).
  ...transientRows('export-data', 'exportResult', DATA_GUARANTEE, 1),
  {
    fault: 'scroll expires once mid-export',
    command: 'export-data',
    outcome: 'retried',
    guarantee: `${DATA_GUARANTEE}; the report starts over once`,
    inject: {
      kind: 'optimize',
      rules: [{route: 'exportResult', skip: 1, status: 400, body: SCROLL_GONE_BODY}]
    }
  },
  {
    fault: 'every scroll expires after 1 page',
    command: 'export-data',
    outcome: 'failed-clearly',
    guarantee: DATA_GUARANTEE,
    inject: {kind: 'scroll-expiry', pages: 1},
    message: /scroll expired.*Raise 'pagination-timeout'/
  },
  // The plan reads the target collection (its dashboard export); it never writes.
  ...transientRows('plan', 'exportDashboards', PLAN_GUARANTEE),
  // skip: 1 lets the plan's export through and hits the one after the import call,
  // which checks that the copies Optimize made equal the files. On the import
  // route, skip: 1 lets the plan's dry run through (src/optimize/dry-run.ts).
  ...transientRows('import', 'exportDashboards', IMPORT_GUARANTEE, 1),
  {
    fault: '500 at the 2nd write of an import',
    command: 'import',
    outcome: 'failed-clearly',
    guarantee: `${IMPORT_GUARANTEE}; what was written is deleted again`,
    inject: {kind: 'import-write', k: 2},
    message: /Import failed, the target keeps its previous versions/
  },
  {
    fault: 'import call 503 once (never retried: not idempotent)',
    command: 'import',
    outcome: 'failed-clearly',
    guarantee: IMPORT_GUARANTEE,
    inject: {kind: 'optimize', rules: [{route: 'import', skip: 1, status: 503}]},
    message: /Import failed, the target keeps its previous versions/
  },
  {
    fault: 'import call connection reset',
    command: 'import',
    outcome: 'failed-clearly',
    guarantee: IMPORT_GUARANTEE,
    inject: {kind: 'optimize', rules: [{route: 'import', skip: 1, reset: true}]},
    message: /Import failed, the target keeps its previous versions/
  },
  {
    fault: 'import call answer truncated (the import happened)',
    command: 'import',
    outcome: 'failed-clearly',
    guarantee: `${IMPORT_GUARANTEE}; what was written is deleted again`,
    inject: {kind: 'optimize', rules: [{route: 'import', skip: 1, truncate: true}]},
    message: /Import failed, the target keeps its previous versions/
  },
  {
    fault: 'import call done, but its answer comes after the timeout (1 s)',
    command: 'import',
    outcome: 'failed-clearly',
    guarantee: `${IMPORT_GUARANTEE}; what was written is deleted again`,
    inject: {
      kind: 'late-answer',
      method: 'POST',
      path: /\/api\/public\/import\?collectionId=[^&]*$/,
      delayMs: 1500
    },
    inputs: {timeout: '1'},
    message: /Import failed, the target keeps its previous versions/
  },
  {
    fault: '401 after the token expired, on the import call',
    command: 'import',
    outcome: 'retried',
    guarantee: `${IMPORT_GUARANTEE}; the token is renewed once`,
    inject: {
      kind: 'optimize',
      rules: [{route: 'import', skip: 1, status: 401, headers: EXPIRED_TOKEN}]
    },
    credentials: ['client-credentials']
  },
  {
    fault: 'GitHub API 502 once',
    command: 'pull-request',
    outcome: 'retried',
    guarantee: PR_GUARANTEE,
    inject: {
      kind: 'github',
      operation: 'pulls/create',
      failure: {status: 502, message: 'Bad Gateway'}
    }
  },
  {
    fault: 'GitHub API 503 on every attempt',
    command: 'pull-request',
    outcome: 'failed-clearly',
    guarantee: `${PR_GUARANTEE}; the next run opens it`,
    inject: {
      kind: 'github',
      operation: 'pulls/create',
      // The first try and Octokit's 3 retries.
      failure: {status: 503, message: 'Service Unavailable', times: 4}
    },
    message: /create the pull request.*503.*run (the job )?again/i
  },
  {
    fault: 'GitHub API rate limit (403, x-ratelimit-remaining: 0)',
    command: 'pull-request',
    outcome: 'failed-clearly',
    guarantee: `${PR_GUARANTEE}; the next run opens it`,
    inject: {
      kind: 'github',
      operation: 'pulls/list',
      failure: {
        status: 403,
        message: 'API rate limit exceeded for installation.',
        headers: {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1767225600'}
      }
    },
    message: /rate limit is exhausted\. It resets at 2026-01-01T00:00:00\.000Z/
  },
  ...echoRows()
]

/** A row's name in test titles and the README. */
export function rowTitle(row: MatrixRow): string {
  return `${row.command}: ${row.fault}`
}
