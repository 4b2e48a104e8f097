/**
 * Runs one fault-matrix row end to end: sets the scene for its command, runs a
 * clean baseline to know what "completely new" looks like, injects the fault,
 * runs the real `runCommand` (the code path of the action and the CLI), then
 * checks the outcome, the row's guarantee and that no secret leaked.
 *
 * Backoff is shortened through the settings' `retryBaseMs` fields (5 ms for
 * Optimize, 1 ms for GitHub, instead of 1 s); everything else is the
 * production path, with no module mocked.
 */
import {createHash} from 'node:crypto'
import {cp, mkdtemp, readFile, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {expect, vi} from 'vitest'
import {startEmulator, type Emulator, type FaultRule, type RouteName} from '../../emulator/index.js'
import {CommandFailedError, type CommandResult} from '../../src/command.js'
import type {InputName} from '../../src/constants.js'
import {publish, runCommand} from '../../src/main.js'
import type {Settings} from '../../src/settings.js'
import {createGitFixture, isolateGit, type GitFixture} from '../github/git-fixture.js'
import {startFakeGitHub, type FakeGitHub} from '../helpers/fake-github.js'
import {recordingIo, type RecordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {
  captureIssuedTokens,
  credentialInputs,
  errorText,
  echoTexts,
  expectNoSecrets,
  freshSecrets,
  GITHUB_TOKEN,
  gitHeaderValue,
  snapshot,
  strangerCredentials
} from './helpers.js'
import {startProxy} from './proxy.js'
import type {CredentialKind, MatrixRow, Outcome} from './matrix.js'

type Inputs = Partial<Record<InputName, string>>
type Files = Record<string, string>

const COLLECTION = 'sales'
/** Small process XML: the rows test failure handling, not throughput (the default is 10-50 KB). */
const XML_BYTES = 2_000
const BRANCH = 'optimize-as-code/export'

let issued: ReturnType<typeof captureIssuedTokens> | undefined

/**
 * Once per test file (beforeAll): the token capture, and git without the
 * machine's configuration. Rows run concurrently, so nothing here may change
 * between rows.
 */
export function prepareMatrix(): void {
  issued = captureIssuedTokens()
  isolateGit()
}

export function finishMatrix(): void {
  issued?.restore()
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
}

/** The same retries, 5 ms (Optimize) and 1 ms (GitHub) apart instead of seconds: the rows need the behaviour, not the patience. */
function shortBackoff(settings: Settings): Settings {
  return {
    ...settings,
    connection: settings.connection && {...settings.connection, retryBaseMs: 5},
    github: {...settings.github, retryBaseMs: 1}
  }
}

interface RunOutcome {
  result?: CommandResult
  error?: unknown
  io: RecordingIo
  elapsedMs: number
}

/** What the action's run() does with settings, minus core.setFailed (it would fail the test process). */
async function runLikeTheAction(inputs: Inputs, workspace: string, env: NodeJS.ProcessEnv) {
  const io = recordingIo()
  const started = Date.now()
  try {
    const settings = shortBackoff(makeSettings(inputs, {workspace, env, io}))
    const result = await runCommand(settings, io)
    await publish(result, io)
    return {result, io, elapsedMs: Date.now() - started}
  } catch (error) {
    if (error instanceof CommandFailedError && error.result) await publish(error.result, io)
    return {error, io, elapsedMs: Date.now() - started}
  }
}

async function runClean(inputs: Inputs, workspace: string, env: NodeJS.ProcessEnv = {}) {
  const run = await runLikeTheAction(inputs, workspace, env)
  if (run.error !== undefined)
    throw run.error instanceof Error ? run.error : new Error(String(run.error))
  return run
}

/** One command's scene: the inputs of the faulted run and the check of its guarantee. */
interface Scene {
  workspace: string
  inputs: Inputs
  env: NodeJS.ProcessEnv
  /** Asserts the row's guarantee after the faulted run. */
  check(outcome: Outcome, run: RunOutcome): Promise<void>
  /** Extra texts that must not hold a secret (pull-request bodies). */
  places(): Record<string, string>
  /** How often the fault fired, when the scene injects it itself. */
  fired?: () => number
}

interface SceneContext {
  emu: Emulator
  credentials: Inputs
  row: MatrixRow
  cleanups: (() => Promise<void>)[]
  /** A temporary folder removed when the row ends (not after every test: rows run concurrently). */
  tempDir: (prefix: string) => Promise<string>
  /** What an echo fault adds to the request it echoes. */
  echoed: string[]
}

const SCENES: Record<MatrixRow['command'], (ctx: SceneContext) => Promise<Scene>> = {
  export: exportScene,
  'export-data': exportDataScene,
  'pull-request': pullRequestScene,
  plan: planScene,
  import: importScene
}

/** Runs `row` with `kind` credentials and asserts everything the row promises. */
export async function runMatrixRow(row: MatrixRow, kind: CredentialKind): Promise<void> {
  const cleanups: (() => Promise<void>)[] = []
  if (!issued) throw new Error('call prepareMatrix() in beforeAll')
  const capture = issued
  try {
    const secrets = freshSecrets()
    const emu = await startEmulator({
      idSeed: 1,
      accessToken: secrets.accessToken,
      clients: [{clientId: secrets.clientId, clientSecret: secrets.clientSecret}]
    })
    cleanups.push(async () => emu.close())
    const setUp = SCENES[row.command]
    const credentials = credentialInputs(kind, emu, secrets)
    const tempDir = async (prefix: string): Promise<string> => {
      const dir = await mkdtemp(path.join(tmpdir(), prefix))
      cleanups.push(async () => rm(dir, {recursive: true, force: true}))
      return dir
    }
    // Echo rows: the secrets this run was given, in every form, and credentials it never knew.
    const strangers = strangerCredentials()
    const given = kind === 'token' ? secrets.accessToken : secrets.clientSecret
    const echoed = [...echoTexts([given, GITHUB_TOKEN]), ...strangers.texts]
    const scene = await setUp({emu, credentials, row, cleanups, tempDir, echoed})

    emu.requests.clear()
    const inputs = {...scene.inputs, ...row.inputs}
    // The engine API beside Optimize, for an echo on a path the emulator does not serve.
    if (row.inject.kind === 'echo' && row.inject.rule.route === 'unknown')
      inputs['definitions-url'] = `${emu.url}/engine-rest`
    let fired = scene.fired
    if (row.inject.kind === 'late-answer') {
      const {method, path: pattern, delayMs} = row.inject
      const proxy = await startProxy(emu.url, undefined, {method, path: pattern, delayMs, times: 1})
      cleanups.push(async () => proxy.close())
      inputs['optimize-url'] = proxy.url
      fired = () => proxy.held
    }
    fired ??= injectFault(row, emu, echoed)
    const tokensOfRow = (): string[] => capture.tokensFrom(emu.oauthUrl)
    const issuedBefore = tokensOfRow().length
    const run = await runLikeTheAction(inputs, scene.workspace, scene.env)
    const issuedInRun = tokensOfRow().slice(issuedBefore)

    expect(fired(), 'the fault was injected').toBeGreaterThan(0)
    if (row.outcome === 'retried') {
      expect(run.error, errorText(run.error)).toBeUndefined()
    } else {
      expect(run.error, 'the run failed').toBeDefined()
      const message = run.error instanceof Error ? run.error.message : String(run.error)
      if (row.message) expect(message).toMatch(row.message)
    }
    checkTiming(row, run)
    checkTokenRequests(row, kind, emu)
    await scene.check(row.outcome, run)

    // Every access token the run was given is masked; no secret of the row leaked anywhere.
    const tokenRefused = row.inject.kind === 'echo' && row.inject.rule.route === 'token'
    if (kind === 'client-credentials' && !tokenRefused)
      expect(issuedInRun.length).toBeGreaterThan(0)
    expect(run.io.secrets).toEqual(expect.arrayContaining(issuedInRun))
    const tokens = tokensOfRow()
    const files = await snapshot(scene.workspace)
    expectNoSecrets(
      [
        secrets.accessToken,
        secrets.clientSecret,
        ...tokens,
        GITHUB_TOKEN,
        gitHeaderValue(GITHUB_TOKEN),
        ...strangers.values
      ],
      {
        'the log': run.io.everything(),
        'the error': errorText(run.error),
        ...Object.fromEntries(Object.entries(files).map(([file, text]) => [`file ${file}`, text])),
        ...scene.places()
      }
    )
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup()
  }
}

/** Injects the row's fault; returns how many times it has fired so far. */
function injectFault(row: MatrixRow, emu: Emulator, echoed: string[]): () => number {
  const {inject} = row
  switch (inject.kind) {
    case 'optimize':
    case 'retry-after':
    case 'echo': {
      const match = vi.spyOn(emu.faults, 'match')
      if (inject.kind === 'optimize') for (const rule of inject.rules) emu.faults.add(rule)
      else if (inject.kind === 'echo') emu.faults.add({...inject.rule, echo: echoed})
      else emu.faults.add(retryAfterRule(inject.route, inject.seconds, inject.skip))
      return () => match.mock.results.filter(r => r.type === 'return' && r.value).length
    }
    case 'scroll-expiry':
      emu.faults.expireScrollAfterPages(inject.pages)
      return () =>
        emu.requests.all().filter(r => r.route === 'exportResult' && r.status >= 400).length
    case 'import-write':
      emu.faults.failImportWrite(inject.k)
      return () => emu.requests.all().filter(r => r.route === 'import' && r.status >= 500).length
    case 'github':
    case 'github-echo':
    case 'late-answer':
      throw new Error(`${inject.kind} faults are injected by the scene or the proxy`)
  }
}

/** The emulator's retryAfter() rule, with a skip so it can hit a scroll continuation. */
function retryAfterRule(route: RouteName, seconds: number, skip?: number): FaultRule {
  return {
    route,
    skip,
    status: 429,
    headers: {'retry-after': String(seconds), 'content-type': 'application/json'},
    body: JSON.stringify({
      errorCode: 'tooManyRequests',
      errorMessage: 'Too many requests',
      detailedMessage: `Rate limit exceeded, retry after ${seconds} seconds.`
    })
  }
}

function checkTiming(row: MatrixRow, run: RunOutcome): void {
  // Retry-After is honoured: the retry waited at least that long.
  if (row.inject.kind === 'retry-after')
    expect(run.elapsedMs).toBeGreaterThanOrEqual(row.inject.seconds * 1000 - 20)
}

/** A 401 renews an OAuth token once per call, never in a loop; a static token is never renewed. */
function checkTokenRequests(row: MatrixRow, kind: CredentialKind, emu: Emulator): void {
  const tokenRequests = emu.requests.count('token')
  if (kind === 'token') return void expect(tokenRequests).toBe(0)
  const {inject} = row
  if (inject.kind !== 'optimize' || !inject.rules.some(rule => rule.status === 401)) return
  if (row.outcome === 'retried') return void expect(tokenRequests).toBe(2)
  // Each refused call: 401, one renewal, 401 again, give up.
  const refusals = emu.requests.all().filter(r => r.status === 401).length
  expect(tokenRequests).toBeGreaterThanOrEqual(2)
  expect(tokenRequests).toBeLessThanOrEqual(1 + Math.ceil(refusals / 2))
}

// --- export -----------------------------------------------------------------

async function exportScene({emu, credentials, tempDir}: SceneContext): Promise<Scene> {
  const workspace = await tempDir('oac-rel-')
  const inputs: Inputs = {
    command: 'export',
    'collection-id': COLLECTION,
    commit: 'none',
    'optimize-url': emu.url,
    ...credentials
  }
  const {before, expected} = await exportBeforeAndAfter(emu, inputs, workspace, tempDir)
  return {
    workspace,
    inputs,
    env: {},
    places: () => ({}),
    async check(outcome) {
      expect(await snapshot(workspace)).toEqual(outcome === 'retried' ? expected : before)
    }
  }
}

/**
 * Exports the collection into `workspace` (the "before"), changes Optimize, and
 * exports the change into a copy: the complete new export a faulted run must
 * produce, or not touch the folder at all.
 */
async function exportBeforeAndAfter(
  emu: Emulator,
  inputs: Inputs,
  workspace: string,
  tempDir: SceneContext['tempDir']
): Promise<{before: Files; expected: Files}> {
  const {dashboardIds} = emu.state.generate({
    collectionId: COLLECTION,
    dashboards: 3,
    reportsPerDashboard: 2,
    seed: 11,
    xmlBytes: XML_BYTES
  })
  const exportOnly: Inputs = {...inputs, commit: 'none'}
  await runClean(exportOnly, workspace)
  emu.state.updateDashboard(dashboardIds[0], d => void (d.name = `${String(d.name)} (renamed)`))
  const report = emu.state.listReports(COLLECTION)[0]
  emu.state.updateReport(String(report.id), r => void (r.description = 'Changed in Optimize'))
  const copy = await tempDir('oac-rel-expected-')
  await cp(workspace, copy, {recursive: true, filter: source => path.basename(source) !== '.git'})
  await runClean(exportOnly, copy)
  const before = await snapshot(workspace)
  const expected = await snapshot(copy)
  expect(expected).not.toEqual(before)
  return {before, expected}
}

// --- export-data ------------------------------------------------------------

const RAW_DEFINITION = {key: 'invoice', versions: ['all'], tenantIds: [null]}

function addRawReport(emu: Emulator, id: string, rows: number): void {
  emu.state.putEntity(
    {
      id,
      exportEntityType: 'single_process_report',
      name: 'Instance list',
      data: {
        definitions: [RAW_DEFINITION],
        view: {entity: null, properties: ['rawData']},
        groupBy: {type: 'none', value: null},
        visualization: 'table'
      }
    },
    null
  )
  emu.state.setRawData(id, {rows, seed: 1})
}

async function exportDataScene({emu, credentials, tempDir}: SceneContext): Promise<Scene> {
  const first = '00000000-0000-4000-8000-00000000000a'
  const second = '00000000-0000-4000-8000-00000000000b'
  addRawReport(emu, first, 25)
  addRawReport(emu, second, 12)
  const inputs: Inputs = {
    command: 'export-data',
    'report-ids': `${first}\n${second}`,
    output: 'data',
    limit: '10',
    'optimize-url': emu.url,
    ...credentials
  }
  const clean = await tempDir('oac-rel-expected-')
  await runClean(inputs, clean)
  const expected = await snapshot(clean)
  const workspace = await tempDir('oac-rel-')
  return {
    workspace,
    inputs,
    env: {},
    places: () => ({}),
    async check(outcome) {
      const after = await snapshot(workspace)
      if (outcome === 'retried') expect(after).toEqual(expected)
      const manifest = JSON.parse(after['data/manifest.json'] ?? '{"reports": []}') as {
        reports: {file: string; sha256: string; records: number}[]
      }
      const dataFiles = Object.keys(after).filter(f => f !== 'data/manifest.json')
      // Complete or absent: every file present is byte-equal to a clean run's.
      for (const file of dataFiles) expect(after[file], file).toBe(expected[file])
      // The manifest names exactly those files, with their real hashes.
      expect(manifest.reports.map(r => `data/${r.file}`).sort()).toEqual(dataFiles.sort())
      for (const entry of manifest.reports) {
        const sha = createHash('sha256').update(after[`data/${entry.file}`]).digest('hex')
        expect(entry.sha256).toBe(sha)
      }
    }
  }
}

// --- the pull-request step ----------------------------------------------------

async function pullRequestScene({
  emu,
  credentials,
  row,
  cleanups,
  tempDir,
  echoed
}: SceneContext): Promise<Scene> {
  const fixture: GitFixture = await createGitFixture()
  cleanups.push(async () => fixture.cleanup())
  const fake: FakeGitHub = await startFakeGitHub()
  cleanups.push(async () => fake.close())
  const workspace = fixture.workspace
  const inputs: Inputs = {
    command: 'export',
    'collection-id': COLLECTION,
    commit: 'pull-request',
    'github-token': GITHUB_TOKEN,
    'optimize-url': emu.url,
    ...credentials
  }
  const env = {GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`, GITHUB_API_URL: fake.url}
  // The workspace starts as a fresh checkout; "expected" is what the export writes into it.
  const before = await snapshot(workspace)
  const copy = await tempDir('oac-rel-expected-')
  await cp(workspace, copy, {recursive: true, filter: source => path.basename(source) !== '.git'})
  emu.state.generate({
    collectionId: COLLECTION,
    dashboards: 3,
    reportsPerDashboard: 2,
    seed: 11,
    xmlBytes: XML_BYTES
  })
  await runClean({...inputs, commit: 'none'}, copy)
  const expected = await snapshot(copy)
  const {inject} = row
  if (inject.kind === 'github') fake.fail(inject.operation, inject.failure)
  else if (inject.kind === 'github-echo')
    fake.fail(inject.operation, {...inject.failure, echo: echoed})
  else throw new Error('the pull-request scene takes GitHub faults')
  // The fake answers the first request(s) with the failure; a retry shows up as a second request.
  const fired = (): number => {
    const calls = fake.requests.filter(r => r.operation === inject.operation).length
    return row.outcome === 'retried' ? calls - 1 : calls
  }

  const openPulls = () => fake.pulls.filter(p => p.state === 'open' && p.head === BRANCH)
  const branchFiles = async (): Promise<Files | undefined> => {
    const heads = await fixture.git(['ls-remote', '--heads', fixture.origin, BRANCH])
    if (!heads) return undefined
    const clone = await tempDir('oac-rel-branch-')
    await fixture.git(['clone', '-q', '-b', BRANCH, fixture.origin, clone], fixture.root)
    expect(await fixture.git(['rev-list', '--count', `origin/main..HEAD`], clone)).toBe('1')
    return snapshot(clone)
  }

  return {
    workspace,
    inputs,
    env,
    fired,
    places: () => ({
      'the pull requests': JSON.stringify(fake.pulls),
      'the GitHub requests': JSON.stringify(fake.requests.map(r => r.body))
    }),
    async check(outcome) {
      expect(fake.violations).toEqual([])
      const files = await snapshot(workspace)
      expect([before, expected]).toContainEqual(files)
      const branch = await branchFiles()
      if (branch) expect(branch).toEqual(expected)
      expect(openPulls().length).toBeLessThanOrEqual(1)
      if (outcome === 'retried') {
        expect(branch).toBeDefined()
        expect(openPulls()).toHaveLength(1)
        expect(openPulls()[0].body).toContain('## Optimize export')
        return
      }
      // Nothing is lost: the next run, without the fault, finishes the job.
      await runClean(inputs, workspace, env)
      expect(await branchFiles()).toEqual(expected)
      expect(openPulls()).toHaveLength(1)
      expect(fake.pulls).toHaveLength(1)
    }
  }
}

// --- plan and import -------------------------------------------------------

const DEV = 'dev'
const TARGET = 'target'

/** Names and ids of the target collection's dashboards and reports. */
function targetContent(emu: Emulator): {names: string[]; dashboards: string[]; reports: string[]} {
  const dashboards = emu.state.listDashboards(TARGET)
  return {
    names: dashboards.map(d => String(d.name)).sort(),
    dashboards: dashboards.map(d => String(d.id)).sort(),
    reports: emu.state
      .listReports(TARGET)
      .map(r => String(r.id))
      .sort()
  }
}

/**
 * Dev content exported into the workspace and imported into the target
 * collection (the released version), then changed in dev and exported again
 * (the next release, not yet imported). One emulator plays both Optimizes.
 */
async function promotionSetUp({emu, credentials, tempDir}: SceneContext): Promise<{
  workspace: string
  inputs: Inputs
  oldNames: string[]
  newNames: string[]
}> {
  const {dashboardIds} = emu.state.generate({
    collectionId: DEV,
    dashboards: 3,
    reportsPerDashboard: 2,
    seed: 11,
    xmlBytes: XML_BYTES
  })
  emu.state.addCollection({id: TARGET, name: 'Production'})
  for (const definition of emu.state.definitions.values())
    emu.state.addToScope(TARGET, definition.type, definition.key, definition.tenants)
  const workspace = await tempDir('oac-rel-')
  const connection: Inputs = {'optimize-url': emu.url, ...credentials}
  const exportDev: Inputs = {command: 'export', 'collection-id': DEV, commit: 'none', ...connection}
  // prune: the renamed dashboard's old version goes, so "the new dashboards" is exactly dev's.
  const promote: Inputs = {
    command: 'import',
    'collection-id': TARGET,
    'plan-file': 'plan.json',
    prune: 'true',
    ...connection
  }
  await runClean(exportDev, workspace)
  await runClean(promote, workspace)
  const oldNames = targetContent(emu).names
  emu.state.updateDashboard(dashboardIds[0], d => void (d.name = `${String(d.name)} (renamed)`))
  const report = emu.state.listReports(DEV)[1]
  emu.state.updateReport(String(report.id), r => void (r.description = 'Changed in dev'))
  await runClean(exportDev, workspace)
  await rm(`${workspace}/plan.json`, {force: true})
  const newNames = emu.state
    .listDashboards(DEV)
    .map(d => String(d.name))
    .sort()
  expect(newNames).not.toEqual(oldNames)
  return {workspace, inputs: promote, oldNames, newNames}
}

async function planScene(ctx: SceneContext): Promise<Scene> {
  const {emu} = ctx
  const setUp = await promotionSetUp(ctx)
  const {workspace} = setUp
  const inputs: Inputs = {...setUp.inputs, command: 'plan'}
  await runClean({...inputs, 'plan-file': 'expected-plan.json'}, workspace)
  const expectedPlan = await readFile(`${workspace}/expected-plan.json`, 'utf8')
  await rm(`${workspace}/expected-plan.json`)
  const before = await snapshot(workspace)
  const target = targetContent(emu)
  return {
    workspace,
    inputs,
    env: {},
    places: () => ({}),
    async check(outcome) {
      // No write reached Optimize (the dry runs of the import are refused by design), the
      // collection is as it was.
      const writes = emu.requests.all().filter(r => ['POST', 'PUT', 'DELETE'].includes(r.method))
      const dryRun = (r: {route: string; query: Record<string, string>}): boolean =>
        r.route === 'import' && r.query.dryRun === 'true'
      expect(
        writes.filter(r => r.route !== 'token' && !r.route.startsWith('export') && !dryRun(r))
      ).toEqual([])
      expect(targetContent(emu)).toEqual(target)
      const after = await snapshot(workspace)
      const plan = after['plan.json']
      delete after['plan.json']
      expect(after).toEqual(before)
      if (outcome === 'retried') expect(plan).toBe(expectedPlan)
      // Complete or absent: a plan file that is there parses whole.
      else if (plan !== undefined) expect(() => JSON.parse(plan) as unknown).not.toThrow()
    }
  }
}

async function importScene(ctx: SceneContext): Promise<Scene> {
  const {emu} = ctx
  const {workspace, inputs, oldNames, newNames} = await promotionSetUp(ctx)
  const before = targetContent(emu)
  return {
    workspace,
    inputs,
    env: {},
    places: () => ({}),
    async check(outcome) {
      const after = targetContent(emu)
      expect(new Set(after.names).size, `no duplicate in ${after.names.join(', ')}`).toBe(
        after.names.length
      )
      if (outcome === 'retried') {
        expect(after.names).toEqual(newNames)
        return
      }
      // Failed: the released version is untouched, ids included.
      expect(after.names).toEqual(oldNames)
      expect(after.dashboards).toEqual(before.dashboards)
      // Nothing is lost: the next run, without the fault, finishes the job.
      emu.faults.clear()
      await runClean(inputs, workspace)
      expect(targetContent(emu).names).toEqual(newNames)
    }
  }
}
