/**
 * Bad input through the real CLI entry `main(argv, env)`: refused before
 * anything is written or sent, with a message that names the input (or file)
 * as the command line does (its flag, and the environment variable that may
 * stand in for it) and says what was expected, with exit code 2. The workspace
 * holds a previous export, which must come out byte-for-byte the same, and
 * Optimize must see no request.
 */
import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it, vi} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {main} from '../../src/cli.js'
import {tempDir} from '../helpers/temp.js'
import {snapshot} from './helpers.js'

let emu: Emulator
let outside: string
const TOKEN = 'bad-input-t0ken-1234'

beforeAll(async () => {
  emu = await startEmulator({accessToken: TOKEN})
  emu.state.generate({collectionId: 'sales', dashboards: 2, reportsPerDashboard: 2, seed: 5})
  outside = await mkdtemp(path.join(tmpdir(), 'oac-outside-'))
})
afterAll(async () => {
  await emu.close()
  await rm(outside, {recursive: true, force: true})
})
afterEach(() => vi.restoreAllMocks())

/** A workspace with a previous export in it, and a symbolic link that leads out of it. */
async function workspace(): Promise<string> {
  const dir = await tempDir('oac-bad-input-')
  const code = await quiet(() =>
    main(['export', '--optimize-url', emu.url, '--collection-id', 'sales'], {
      GITHUB_WORKSPACE: dir,
      OPTIMIZE_ACCESS_TOKEN: TOKEN
    })
  )
  expect(code).toBe(0)
  await symlink(outside, path.join(dir, 'escape'))
  return dir
}

async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  try {
    return await fn()
  } finally {
    out.mockRestore()
    err.mockRestore()
  }
}

/** Runs the CLI; returns its exit code and everything it printed. */
async function cli(
  argv: string[],
  dir: string
): Promise<{code: number; stderr: string; stdout: string}> {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => (out.push(String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation(chunk => (err.push(String(chunk)), true))
  const code = await main(argv, {GITHUB_WORKSPACE: dir, RUNNER_TEMP: dir})
  vi.restoreAllMocks()
  return {code, stdout: out.join(''), stderr: err.join('')}
}

interface Case {
  name: string
  /** Options after the command; `--optimize-url` and the token are added unless given. */
  args: string[]
  command?: string
  expected: RegExp
}

const CASES: Case[] = [
  {
    name: 'an unknown command',
    command: 'exprot',
    args: [],
    expected: /unknown command 'exprot'\n\(Did you mean export\?\)/
  },
  {
    name: 'two commands',
    command: 'export import',
    args: [],
    expected: /too many arguments for 'export'/
  },
  {
    name: 'an unknown option',
    args: ['--dashbaord-ids', 'x'],
    expected: /unknown option '--dashbaord-ids'\n\(Did you mean --dashboard-ids\?\)/
  },
  {
    name: 'a mistyped secret option with its value',
    args: ['--acces-token=s3cret-value'],
    expected: /unknown option '--acces-token=…'/
  },
  {
    name: 'a URL without a scheme',
    args: ['--optimize-url', 'optimize.example.com'],
    expected:
      /--optimize-url \(or OPTIMIZE_URL\) is not a valid URL: 'optimize.example.com'\. Expected e\.g\. https:\/\/host\/path/
  },
  {
    name: 'a URL with another scheme',
    args: ['--optimize-url', 'ftp://optimize.example.com'],
    expected:
      /--optimize-url \(or OPTIMIZE_URL\) must be an http:\/\/ or https:\/\/ URL, got 'ftp:'/
  },
  {
    name: 'a URL with a query',
    args: ['--optimize-url', 'https://optimize.example.com/?x=1'],
    expected: /--optimize-url \(or OPTIMIZE_URL\) must not have a query or fragment/
  },
  {
    name: 'credentials inside the URL',
    args: ['--optimize-url', 'https://me:hunter2pass@optimize.example.com'],
    expected:
      /--optimize-url \(or OPTIMIZE_URL\) must not carry credentials in the URL; use --access-token \(or OPTIMIZE_ACCESS_TOKEN\), or --client-id \(or OPTIMIZE_CLIENT_ID\) and --client-secret \(or OPTIMIZE_CLIENT_SECRET\)/
  },
  {
    name: 'an invalid OAuth URL',
    args: [
      '--access-token',
      '',
      '--client-id',
      'c',
      '--client-secret',
      's3cret-value',
      '--oauth-url',
      'keycloak/token'
    ],
    expected: /--oauth-url \(or OPTIMIZE_OAUTH_URL\) is not a valid URL/
  },
  {
    name: 'a static token and client credentials at once',
    args: ['--client-id', 'c', '--client-secret', 's3cret-value'],
    expected:
      /--access-token \(or OPTIMIZE_ACCESS_TOKEN\) and --client-id \(or OPTIMIZE_CLIENT_ID\)\/--client-secret \(or OPTIMIZE_CLIENT_SECRET\) contradict each other/
  },
  {
    name: 'a client id without its secret',
    args: ['--access-token', '', '--client-id', 'c'],
    expected:
      /--client-id \(or OPTIMIZE_CLIENT_ID\) and --client-secret \(or OPTIMIZE_CLIENT_SECRET\) go together/
  },
  {
    name: 'a token with a space in it',
    args: ['--access-token', 'abc def'],
    expected:
      /--access-token \(or OPTIMIZE_ACCESS_TOKEN\) has characters a bearer token cannot have .*check for spaces or quotes/
  },
  {
    name: 'an ID with whitespace',
    args: ['--dashboard-ids', 'abc def'],
    expected:
      /--dashboard-ids has an invalid ID at position 1: "abc def"\. Optimize IDs are letters, digits and -\._: without spaces, slashes or quotes/
  },
  {
    name: 'an ID with a tab',
    args: ['--dashboard-ids', 'a\tb'],
    expected: /--dashboard-ids has an invalid ID at position 1: "a\\tb"/
  },
  {
    name: 'an ID with a slash',
    args: ['--report-ids', 'ok-1,../etc/passwd'],
    expected: /--report-ids has an invalid ID at position 2: "\.\.\/etc\/passwd"/
  },
  {
    name: 'an ID in quotes',
    args: ['--dashboard-ids', '"d-1"'],
    expected: /--dashboard-ids has an invalid ID at position 1: "\\"d-1\\""/
  },
  {
    name: 'an ID with an apostrophe',
    args: ['--collection-id', "sales'"],
    expected: /--collection-id is not a valid Optimize ID: "sales'"/
  },
  {
    name: 'an empty ID between commas',
    args: ['--dashboard-ids', 'a,,b'],
    expected: /--dashboard-ids has an empty ID at position 2/
  },
  {
    name: 'a timeout of 0',
    args: ['--timeout', '0'],
    expected: /--timeout must be from 1 to 600, got 0/
  },
  {
    name: 'a fractional timeout',
    args: ['--timeout', '1.5'],
    expected: /--timeout must be a whole number from 1 to 600, got '1\.5'/
  },
  {
    name: 'negative retries',
    args: ['--retries=-1'],
    expected: /--retries must be from 0 to 10, got -1/
  },
  {
    name: 'too much concurrency',
    args: ['--concurrency', '33'],
    expected: /--concurrency must be from 1 to 32, got 33/
  },
  {
    name: 'a batch size in words',
    args: ['--batch-size', 'ten'],
    expected: /--batch-size must be a whole number from 1 to 1000, got 'ten'/
  },
  {
    name: 'a data limit over 10000',
    command: 'export-data',
    args: ['--report-ids', 'r1', '--limit', '10001'],
    expected: /--limit must be from 1 to 10000, got 10001/
  },
  {
    name: 'a pagination timeout under 60 s',
    command: 'export-data',
    args: ['--report-ids', 'r1', '--pagination-timeout', '59'],
    expected: /--pagination-timeout must be from 60 to 86400, got 59/
  },
  {
    name: 'a boolean that is not one',
    command: 'plan',
    args: ['--prune', 'yes'],
    expected: /--prune must be 'true' or 'false', got 'yes'/
  },
  {
    name: 'an unknown commit mode',
    args: ['--commit', 'maybe'],
    expected: /--commit must be one of 'pull-request', 'push', 'none', got 'maybe'/
  },
  {
    name: 'an unknown data format',
    command: 'export-data',
    args: ['--report-ids', 'r1', '--format', 'xml'],
    expected: /--format must be one of 'ndjson', 'csv', got 'xml'/
  },
  {
    name: 'an invalid branch name',
    args: ['--branch', 'feature..x'],
    expected: /--branch is not a valid branch name: 'feature\.\.x'/
  },
  {
    name: 'an invalid Optimize version',
    command: 'plan',
    args: ['--optimize-version', 'eight'],
    expected: /--optimize-version must look like '8\.6' or '3\.10\.0', got 'eight'/
  },
  {
    name: 'nothing to export',
    args: ['--collection-id', ''],
    expected: /Nothing to export: set --dashboard-ids, --report-ids or --collection-id/
  },
  {
    name: 'export-data without reports',
    command: 'export-data',
    args: [],
    expected: /--report-ids is required for 'export-data'/
  },
  {
    name: 'plan without a target collection',
    command: 'plan',
    args: ['--collection-id', ''],
    expected:
      /--collection-id \(or --collection-name with --manage-collection true\) is required for 'plan': the target collection/
  },
  {
    name: 'a path that climbs out of the workspace',
    args: ['--path', '../elsewhere'],
    expected: /--path must be a folder inside the workspace '.*', got '\.\.\/elsewhere'/
  },
  {
    name: 'an absolute path elsewhere',
    args: ['--path', '/tmp/optimize'],
    expected: /--path must be a folder inside the workspace '.*', got '\/tmp\/optimize'/
  },
  {
    name: 'the workspace itself as path',
    args: ['--path', '.'],
    expected: /--path must be a folder inside the workspace/
  },
  {
    name: 'a path through a symbolic link out of the workspace',
    args: ['--path', 'escape/optimize'],
    expected:
      /--path \('escape\/optimize'\) goes through a symbolic link that leads out of the workspace/
  },
  {
    name: 'an output through a symbolic link out of the workspace',
    command: 'export-data',
    args: ['--report-ids', 'r1', '--output', 'escape'],
    expected: /--output \('escape'\) goes through a symbolic link that leads out of the workspace/
  },
  {
    name: 'an output that climbs out of the workspace',
    command: 'export-data',
    args: ['--report-ids', 'r1', '--output', 'data/../../x'],
    expected: /--output must be a folder inside the workspace/
  },
  {
    name: 'a NUL character in the path',
    args: ['--path', 'opt\0imize'],
    expected: /--path contains a NUL character/
  },
  {
    name: "a path into git's own folder",
    args: ['--path', '.git/optimize'],
    expected: /--path must not point into a \.git folder, got '\.git\/optimize'/
  },
  {
    name: "an output into git's own folder",
    command: 'export-data',
    args: ['--report-ids', 'r1', '--output', 'data/../.GIT/x'],
    expected: /--output must not point into a \.git folder/
  },
  {
    name: 'a plan file outside the workspace and RUNNER_TEMP',
    command: 'plan',
    args: ['--plan-file', '/etc/optimize-plan.json'],
    expected:
      /--plan-file must name a file inside the workspace '.*' or RUNNER_TEMP '.*', got '\/etc\/optimize-plan\.json'/
  },
  {
    name: "a plan file in git's own folder",
    command: 'plan',
    args: ['--plan-file', '.git/hooks/pre-commit'],
    expected: /--plan-file must not point into a \.git folder/
  },
  {
    name: 'a plan file through a symbolic link out of the workspace',
    command: 'plan',
    args: ['--plan-file', 'escape/plan.json'],
    expected:
      /--plan-file \('escape\/plan\.json'\) goes through a symbolic link that leads out of the workspace/
  },
  {
    name: 'an approved plan for another command',
    command: 'plan',
    args: ['--approved-plan', 'plan.json'],
    expected: /--approved-plan does not apply to 'plan' \(only to import\)/
  },
  {
    name: 'an approved plan outside the workspace',
    command: 'import',
    args: ['--approved-plan', '../plan.json'],
    expected: /--approved-plan must name a file inside the workspace/
  },
  {
    name: 'a negative max-deletions',
    command: 'plan',
    args: ['--max-deletions=-1'],
    expected: /--max-deletions must be from 0 to 10000, got -1/
  }
]

describe('bad input is refused before anything is written or sent', () => {
  it.each(CASES)('$name', async ({args, command, expected}) => {
    const dir = await workspace()
    const before = await snapshot(dir)
    emu.requests.clear()
    const given = new Set(args.filter(a => a.startsWith('--')))
    const defaults = [
      ...(given.has('--optimize-url') ? [] : ['--optimize-url', emu.url]),
      ...(given.has('--access-token') ? [] : ['--access-token', TOKEN]),
      ...(given.has('--collection-id') || command === 'export-data'
        ? []
        : ['--collection-id', 'sales'])
    ]
    const argv = [...(command ?? 'export').split(' '), ...defaults, ...args]

    const run = await cli(argv, dir)

    expect(run.stderr).toMatch(expected)
    // A wrong command line, unknown option and bad value alike: exit code 2.
    expect(run.code).toBe(2)
    expect(await snapshot(dir)).toEqual(before)
    expect(emu.requests.count()).toBe(0)
    // Secrets given on the command line are not repeated in the refusal.
    for (const secret of [TOKEN, 's3cret-value', 'hunter2pass']) {
      expect(run.stderr + run.stdout).not.toContain(secret)
    }
  })

  it('refuses a symbolic link inside the exported folder instead of writing through it', async () => {
    const dir = await workspace()
    // Someone replaced the dashboards folder by a link to a folder outside the workspace.
    await rm(path.join(dir, 'optimize', 'dashboards'), {recursive: true})
    await mkdir(path.join(outside, 'victim'), {recursive: true})
    await writeFile(path.join(outside, 'victim', 'keep.txt'), 'keep\n')
    await symlink(path.join(outside, 'victim'), path.join(dir, 'optimize', 'dashboards'))
    const before = await snapshot(dir)
    const victim = await snapshot(path.join(outside, 'victim'))

    const run = await cli(
      ['export', '--optimize-url', emu.url, '--access-token', TOKEN, '--collection-id', 'sales'],
      dir
    )

    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/Refusing to write into 'dashboards': it is a symbolic link/)
    expect(await snapshot(dir)).toEqual(before)
    expect(await snapshot(path.join(outside, 'victim'))).toEqual(victim)
  })
})
