/**
 * Secrets and transport security, through the real processes a user runs:
 *
 * - the bundled action (`node dist/index.js`, as the runner starts it): a
 *   secret may appear in its stdout only as `::add-mask::<secret>`, the line
 *   that teaches the runner to mask it; never in outputs, the job summary,
 *   files or the pull request. (Every fault row of the matrix runs the same
 *   leak check in-process, with both kinds of credentials.)
 * - the same when Optimize, the OAuth token endpoint or the GitHub API echoes
 *   every secret in an error body, and when Optimize's content holds them:
 *   the runner masks only log lines, so outputs, the summary, plan.json, the
 *   pull request and its plan comment must be redacted by the action itself,
 *   and credentials it never knew must not reach even the log. The bundled
 *   CLI (`node dist/cli/index.js`) too.
 * - plain http:// to a host other than loopback is warned about;
 * - a certificate from an unknown CA fails with a message that explains
 *   NODE_EXTRA_CA_CERTS, and setting that variable makes the export work.
 *   Node reads it at start-up, so the CLI runs as a child process.
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {afterEach, beforeAll, describe, expect, it, vi} from 'vitest'
import {startEmulator, type Emulator} from '../../emulator/index.js'
import {runCommand} from '../../src/main.js'
import {createGitFixture, type GitFixture} from '../github/git-fixture.js'
import {startFakeGitHub, type FakeGitHub} from '../helpers/fake-github.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'
import {
  captureIssuedTokens,
  echoTexts,
  expectNoSecrets,
  freshSecrets,
  GITHUB_TOKEN,
  gitHeaderValue,
  snapshot,
  strangerCredentials
} from './helpers.js'
import {startProxy} from './proxy.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ACTION = path.join(ROOT, 'dist/index.js')
const CLI = path.join(ROOT, 'dist/cli/index.js')
const run = promisify(execFile)

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.restoreAllMocks()
})

beforeAll(() => {
  // dist/ is committed; build it only when it is missing (e.g. a fresh clone before `npm run build`).
  if (!existsSync(ACTION) || !existsSync(CLI))
    execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'ignore'})
}, 180_000)

/** A clean environment for a child: nothing of the test runner's INPUT_* or GITHUB_* leaks in. */
function baseEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1'
  }
}

async function emulatorWith(secrets: ReturnType<typeof freshSecrets>): Promise<Emulator> {
  const emu = await startEmulator({
    idSeed: 1,
    accessToken: secrets.accessToken,
    clients: [{clientId: secrets.clientId, clientSecret: secrets.clientSecret}]
  })
  cleanups.push(async () => emu.close())
  emu.state.generate({collectionId: 'sales', dashboards: 2, reportsPerDashboard: 2, seed: 3})
  return emu
}

/** Runs the bundled action as the runner does: inputs as INPUT_* variables, files for outputs and summary. */
async function runAction(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv
): Promise<ActionRun> {
  const dir = await tempDir('oac-runner-')
  const outputFile = path.join(dir, 'output')
  const summaryFile = path.join(dir, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value])
  )
  const childEnv = {
    ...baseEnv(),
    ...env,
    ...inputEnv,
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile
  }
  const result = await runNode([ACTION], childEnv)
  return {
    ...result,
    output: await readFile(outputFile, 'utf8'),
    summary: await readFile(summaryFile, 'utf8')
  }
}

interface ActionRun {
  code: number
  stdout: string
  stderr: string
  output: string
  summary: string
}

/** `node <args>` in the repository, its exit code and what it printed. */
async function runNode(
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{code: number; stdout: string; stderr: string}> {
  return run(process.execPath, args, {cwd: ROOT, env}).then(
    ({stdout, stderr}) => ({code: 0, stdout, stderr}),
    (error: {code?: number; stdout?: string; stderr?: string}) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? ''
    })
  )
}

/** Lines of stdout that hold a secret must be exactly the runner's mask command for it. */
function expectOnlyMaskLines(stdout: string, secrets: readonly string[]): void {
  const offending = stdout
    .split('\n')
    .filter(line => secrets.some(secret => line.includes(secret)))
    .filter(line => !secrets.some(secret => line === `::add-mask::${secret}`))
  expect(offending).toEqual([])
  for (const secret of secrets) expect(stdout.split('\n')).toContain(`::add-mask::${secret}`)
}

describe('the bundled action keeps secrets out of everything it writes', () => {
  let fixture: GitFixture
  let fake: FakeGitHub

  async function repository(): Promise<void> {
    fixture = await createGitFixture()
    cleanups.push(async () => fixture.cleanup())
    fake = await startFakeGitHub()
    cleanups.push(async () => fake.close())
  }

  it('client credentials, a renewed token and a pull request: secrets only in ::add-mask:: lines', async () => {
    const secrets = freshSecrets()
    const issued = captureIssuedTokens()
    const emu = await emulatorWith(secrets)
    await repository()
    // The first token "expires" mid-run: the renewed one must be masked too.
    emu.faults.add({
      route: 'exportDashboards',
      status: 401,
      headers: {'www-authenticate': 'Bearer'}
    })

    const result = await runAction(
      {
        command: 'export',
        'optimize-url': emu.url,
        'client-id': secrets.clientId,
        'client-secret': secrets.clientSecret,
        'oauth-url': emu.oauthUrl,
        audience: 'optimize',
        'collection-id': 'sales',
        commit: 'pull-request',
        'github-token': GITHUB_TOKEN
      },
      {
        GITHUB_WORKSPACE: fixture.workspace,
        GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
        GITHUB_API_URL: fake.url
      }
    )

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(fake.pulls).toHaveLength(1)
    const tokens = issued.tokensFrom(emu.oauthUrl)
    issued.restore()
    expect(tokens).toHaveLength(2)
    expect(emu.requests.count('token')).toBe(2)
    const all = [secrets.clientSecret, ...tokens, GITHUB_TOKEN, gitHeaderValue(GITHUB_TOKEN)]
    expectOnlyMaskLines(result.stdout, all)
    const files = await snapshot(fixture.workspace)
    expectNoSecrets(all, {
      stderr: result.stderr,
      'the outputs file': result.output,
      'the job summary': result.summary,
      'the pull request': JSON.stringify(fake.pulls),
      ...Object.fromEntries(Object.entries(files).map(([file, text]) => [file, text])),
      '.git/config': await readFile(path.join(fixture.workspace, '.git/config'), 'utf8')
    })
    expect(result.output).toMatch(/pull-request-url<<ghadelimiter/)
  })

  it('a static token Optimize refuses: the failure names the input, the token is only masked', async () => {
    const secrets = freshSecrets()
    const emu = await emulatorWith(secrets)
    const workspace = await tempDir('oac-action-')
    emu.faults.add({route: 'listDashboards', status: 401, times: Infinity})

    const result = await runAction(
      {
        command: 'export',
        'optimize-url': emu.url,
        'access-token': secrets.accessToken,
        'collection-id': 'sales',
        commit: 'none'
      },
      {GITHUB_WORKSPACE: workspace}
    )

    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/::error::.*401 Unauthorized.*Check 'access-token'/)
    expectOnlyMaskLines(result.stdout, [secrets.accessToken])
    expectNoSecrets([secrets.accessToken], {
      stderr: result.stderr,
      'the outputs file': result.output,
      'the job summary': result.summary
    })
    expect(await snapshot(workspace)).toEqual({})
  })
})

describe('servers that echo every secret: the action redacts what the runner does not mask', () => {
  /**
   * What every run below shares: the secrets it is given, the credentials it
   * never knew, an emulator, and a workspace holding the export of `sales`.
   */
  async function scene(): Promise<{
    secrets: ReturnType<typeof freshSecrets>
    strangers: ReturnType<typeof strangerCredentials>
    emu: Emulator
    workspace: string
  }> {
    const secrets = freshSecrets()
    const strangers = strangerCredentials()
    const emu = await emulatorWith(secrets)
    const workspace = await tempDir('oac-echo-')
    // Setting the scene needs no runner: the export runs in-process.
    const exportOnly = {
      command: 'export',
      'optimize-url': emu.url,
      'access-token': secrets.accessToken,
      'collection-id': 'sales',
      commit: 'none'
    } as const
    await runCommand(makeSettings(exportOnly, {workspace}), recordingIo())
    return {secrets, strangers, emu, workspace}
  }

  /**
   * The leak check of a run: known secrets only in `::add-mask::` lines of
   * stdout, credentials it never knew nowhere at all (the runner cannot mask
   * them), and neither in stderr, the outputs, the summary or `places`.
   */
  function expectRedacted(
    known: readonly string[],
    strangers: readonly string[],
    result: ActionRun,
    places: Record<string, string>
  ): void {
    expectOnlyMaskLines(result.stdout, known)
    expectNoSecrets(strangers, {stdout: result.stdout})
    expectNoSecrets([...known, ...strangers], {
      stderr: result.stderr,
      'the outputs file': result.output,
      'the job summary': result.summary,
      ...places
    })
  }

  it('plan: Optimize echoes them in an error; plan.json, outputs and summary say *** instead', async () => {
    const {secrets, strangers, emu, workspace} = await scene()
    emu.faults.add({
      route: 'exportDashboards',
      status: 400,
      times: Infinity,
      echo: [...echoTexts([secrets.accessToken]), ...strangers.texts]
    })

    const result = await runAction(
      {
        command: 'plan',
        'optimize-url': emu.url,
        'access-token': secrets.accessToken,
        'collection-id': 'sales',
        'plan-file': 'plan.json'
      },
      {GITHUB_WORKSPACE: workspace}
    )

    expect(result.code).toBe(1)
    expectRedacted([secrets.accessToken], strangers.values, result, await snapshot(workspace))
    expect(result.stdout).toMatch(/::error::The plan's prerequisites failed.*400/)
    const plan = await readFile(path.join(workspace, 'plan.json'), 'utf8')
    const failed = (
      JSON.parse(plan) as {prerequisites: {check: string; status: string; message: string}[]}
    ).prerequisites.find(p => p.status === 'failed')
    // The answer is there to read, its secrets are not.
    expect(failed?.message).toMatch(/400 echo — [\s\S]*seen \*\*\*[\s\S]*Bearer \*\*\*/)
    expect(result.output).toMatch(/^summary<<ghadelimiter/m)
    expect(result.summary).toContain('seen \\*\\*\\*')
  })

  it('export: the OAuth token endpoint echoes them; the failure says so without them', async () => {
    const {secrets, strangers, emu, workspace} = await scene()
    emu.faults.add({
      route: 'token',
      status: 401,
      times: Infinity,
      echo: [...echoTexts([secrets.clientSecret]), ...strangers.texts]
    })

    const result = await runAction(
      {
        command: 'export',
        'optimize-url': emu.url,
        'client-id': secrets.clientId,
        'client-secret': secrets.clientSecret,
        'oauth-url': emu.oauthUrl,
        audience: 'optimize',
        'collection-id': 'sales',
        commit: 'none'
      },
      {GITHUB_WORKSPACE: workspace}
    )

    expect(result.code).toBe(1)
    expectRedacted([secrets.clientSecret], strangers.values, result, await snapshot(workspace))
    expect(result.stdout).toMatch(
      /::error::POST \/oauth\/token failed: the token endpoint .* answered 401/
    )
    // The form the client sent, echoed: client_secret's value is gone.
    expect(result.stdout).toMatch(/client_secret=\*\*\*&audience=optimize/)
  })

  it('export → pull request: the GitHub API echoes them; nothing is opened, nothing leaks', async () => {
    const {secrets, strangers, emu} = await scene()
    const fixture = await createGitFixture()
    cleanups.push(async () => fixture.cleanup())
    const fake = await startFakeGitHub()
    cleanups.push(async () => fake.close())
    fake.fail('pulls/create', {
      status: 401,
      message: 'Bad credentials',
      echo: [...echoTexts([GITHUB_TOKEN, secrets.accessToken]), ...strangers.texts]
    })

    const result = await runAction(
      {
        command: 'export',
        'optimize-url': emu.url,
        'access-token': secrets.accessToken,
        'collection-id': 'sales',
        commit: 'pull-request',
        'github-token': GITHUB_TOKEN
      },
      {
        GITHUB_WORKSPACE: fixture.workspace,
        GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
        GITHUB_API_URL: fake.url
      }
    )

    expect(result.code).toBe(1)
    const known = [secrets.accessToken, GITHUB_TOKEN, gitHeaderValue(GITHUB_TOKEN)]
    expectRedacted(known, strangers.values, result, await snapshot(fixture.workspace))
    expect(result.stdout).toMatch(
      /::error::Could not create the pull request .*the GitHub token was rejected \(401 Bad credentials \(authorization: token \*\*\*/
    )
    expect(fake.pulls).toEqual([])
  })

  it("plan on a pull request: the target's names hold them; the comment, plan.json and summary do not", async () => {
    const {secrets, strangers, emu, workspace} = await scene()
    // A dashboard someone made in the target, named with a token: server text in a successful plan.
    const {dashboardIds} = emu.state.generate({
      collectionId: 'sales',
      dashboards: 1,
      reportsPerDashboard: 1,
      seed: 9
    })
    const [bearer, jwt] = strangers.values.filter(v => v.includes('b34rer') || v.startsWith('eyJ'))
    emu.state.updateDashboard(dashboardIds[0], dashboard => {
      dashboard.name = `Ops Authorization: Bearer ${bearer} ${secrets.accessToken} ${jwt}`
    })
    const fake = await startFakeGitHub()
    cleanups.push(async () => fake.close())
    const event = path.join(workspace, 'event.json')
    await writeFile(event, JSON.stringify({pull_request: {number: 7}}))

    const result = await runAction(
      {
        command: 'plan',
        'optimize-url': emu.url,
        'access-token': secrets.accessToken,
        'collection-id': 'sales',
        'plan-file': 'plan.json',
        'github-token': GITHUB_TOKEN
      },
      {
        GITHUB_WORKSPACE: workspace,
        GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
        GITHUB_API_URL: fake.url,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event
      }
    )

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(fake.violations).toEqual([])
    expect(fake.comments).toHaveLength(1)
    const [comment] = fake.comments
    const known = [secrets.accessToken, GITHUB_TOKEN]
    expectRedacted(known, [bearer, jwt], result, {
      ...(await snapshot(workspace)),
      'the plan comment': comment.body,
      'what was sent to GitHub': JSON.stringify(fake.requests.map(r => r.body))
    })
    // Redacted after the Markdown was made: the stars are plain.
    expect(comment.body).toContain('Ops Authorization: Bearer *** *** ***')
    expect(await readFile(path.join(workspace, 'plan.json'), 'utf8')).toContain(
      '"name": "Ops Authorization: Bearer *** *** ***"'
    )
  })

  it("export → pull request: Optimize's names hold them; the pull request's body does not", async () => {
    const secrets = freshSecrets()
    const strangers = strangerCredentials()
    const emu = await emulatorWith(secrets)
    const [bearer] = strangers.values.filter(v => v.includes('b34rer'))
    const [dashboard] = emu.state.listDashboards('sales')
    emu.state.updateDashboard(String(dashboard.id), d => {
      d.name = `Ops ${secrets.accessToken} Authorization: Bearer ${bearer}`
    })
    const fixture = await createGitFixture()
    cleanups.push(async () => fixture.cleanup())
    const fake = await startFakeGitHub()
    cleanups.push(async () => fake.close())

    const result = await runAction(
      {
        command: 'export',
        'optimize-url': emu.url,
        'access-token': secrets.accessToken,
        'collection-id': 'sales',
        commit: 'pull-request',
        'github-token': GITHUB_TOKEN
      },
      {
        GITHUB_WORKSPACE: fixture.workspace,
        GITHUB_REPOSITORY: `${fake.owner}/${fake.repo}`,
        GITHUB_API_URL: fake.url
      }
    )

    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(fake.pulls).toHaveLength(1)
    // The entity files are Optimize's content, exported as it is (see the README).
    const known = [secrets.accessToken, GITHUB_TOKEN]
    expectRedacted(known, [bearer], result, {
      'the pull request': JSON.stringify(fake.pulls),
      'what was sent to GitHub': JSON.stringify(fake.requests.map(r => r.body))
    })
    expect(fake.pulls[0].body).toContain('Ops *** Authorization: Bearer ***')
  })

  it('the bundled CLI: plan with client credentials, Optimize echoes them; stdout, stderr and plan.json are clean', async () => {
    const {secrets, strangers, emu, workspace} = await scene()
    const issued = captureIssuedTokens()
    emu.faults.add({
      route: 'exportDashboards',
      status: 400,
      times: Infinity,
      echo: [...echoTexts([secrets.clientSecret]), ...strangers.texts]
    })

    const result = await runNode(
      [
        CLI,
        'plan',
        '--optimize-url',
        emu.url,
        '--oauth-url',
        emu.oauthUrl,
        '--audience',
        'optimize',
        '--collection-id',
        'sales',
        '--plan-file',
        'plan.json',
        '--json'
      ],
      {
        ...baseEnv(),
        GITHUB_WORKSPACE: workspace,
        OPTIMIZE_CLIENT_ID: secrets.clientId,
        OPTIMIZE_CLIENT_SECRET: secrets.clientSecret
      }
    )
    const tokens = issued.tokensFrom(emu.oauthUrl)
    issued.restore()

    expect(result.code).toBe(1)
    expect(tokens.length).toBeGreaterThan(0)
    expectNoSecrets([secrets.clientSecret, ...tokens, ...strangers.values], {
      stdout: result.stdout,
      stderr: result.stderr,
      ...(await snapshot(workspace))
    })
    expect(result.stderr).toMatch(/error: The plan's prerequisites failed.*400 echo/)
    const outputs = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as {
      summary?: string
    }
    expect(outputs.summary).toContain('seen \\*\\*\\*')
  })
})

describe('transport security', () => {
  it('warns about plain http:// to a host other than loopback, without the token', () => {
    const warned = (url: string): string[] => {
      const io = recordingIo()
      makeSettings(
        {'optimize-url': url, 'access-token': 'warn-t0ken', 'collection-id': 'c'},
        {workspace: ROOT, io}
      )
      return io.warnings.map(w => w.message)
    }
    const warnings = warned('http://optimize.internal.example:8090')
    expect(warnings).toEqual([
      expect.stringMatching(
        /Input 'optimize-url' uses plain http:\/\/ to optimize\.internal\.example: the token travels unencrypted\. Use https:\/\//
      )
    ])
    expect(warnings.join('')).not.toContain('warn-t0ken')
    for (const loopback of ['http://127.0.0.1:8090', 'http://localhost:8090', 'http://[::1]:8090'])
      expect(warned(loopback)).toEqual([])
    expect(warned('https://optimize.example.com')).toEqual([])
  })

  it('explains NODE_EXTRA_CA_CERTS for an unknown CA, and honours it', async () => {
    const secrets = freshSecrets()
    const emu = await emulatorWith(secrets)
    const pki = await certificates()
    const https = await startProxy(emu.url, {key: pki.serverKey, cert: pki.serverCert})
    cleanups.push(async () => https.close())
    const cli = async (extraEnv: NodeJS.ProcessEnv, workspace: string) =>
      run(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cli.ts',
          'export',
          '--optimize-url',
          https.url,
          '--collection-id',
          'sales',
          '--retries',
          '0',
          // Progress goes to stderr too; quiet leaves only warnings and errors there.
          '--quiet'
        ],
        {
          cwd: ROOT,
          env: {
            ...baseEnv(),
            GITHUB_WORKSPACE: workspace,
            OPTIMIZE_ACCESS_TOKEN: secrets.accessToken,
            ...extraEnv
          }
        }
      ).then(
        ({stdout, stderr}) => ({code: 0, stdout, stderr}),
        (error: {code?: number; stdout?: string; stderr?: string}) => ({
          code: error.code ?? -1,
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? ''
        })
      )

    const untrusted = await tempDir('oac-tls-')
    const refused = await cli({}, untrusted)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /TLS certificate not trusted \((UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)\. For a self-signed or corporate CA, set NODE_EXTRA_CA_CERTS to the CA's PEM file/
    )
    expect(await snapshot(untrusted)).toEqual({})

    const trusted = await tempDir('oac-tls-')
    const accepted = await cli({NODE_EXTRA_CA_CERTS: pki.caFile}, trusted)
    expect(accepted.stderr).toBe('')
    expect(accepted.code).toBe(0)
    expect(Object.keys(await snapshot(trusted))).toContain('optimize/optimize-as-code.json')
    for (const output of [refused, accepted])
      expect(output.stdout + output.stderr).not.toContain(secrets.accessToken)
  }, 30_000)
})

/** A throw-away CA and a server certificate for 127.0.0.1 and localhost it signed, made with openssl. */
async function certificates(): Promise<{caFile: string; serverKey: string; serverCert: string}> {
  const dir = await tempDir('oac-pki-')
  const file = (name: string): string => path.join(dir, name)
  const openssl = async (args: string[]): Promise<void> => {
    await run('openssl', args, {cwd: dir})
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await openssl([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=optimize-as-code test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign'
  ])
  await openssl([
    'req',
    ...ec,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=localhost'
  ])
  await writeFile(
    file('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n'
  )
  await openssl([
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '1',
    '-extfile',
    file('server.ext')
  ])
  return {
    caFile: file('ca.pem'),
    serverKey: await readFile(file('server.key'), 'utf8'),
    serverCert: await readFile(file('server.pem'), 'utf8')
  }
}
