/**
 * Secrets and transport security, through the real processes a user runs:
 *
 * - the bundled action (`node dist/index.js`, as the runner starts it): a
 *   secret may appear in its stdout only as `::add-mask::<secret>`, the line
 *   that teaches the runner to mask it; never in outputs, the job summary,
 *   files or the pull request. (Every fault row of the matrix runs the same
 *   leak check in-process, with both kinds of credentials.)
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
import {createGitFixture, type GitFixture} from '../github/git-fixture.js'
import {startFakeGitHub, type FakeGitHub} from '../helpers/fake-github.js'
import {recordingIo} from '../helpers/io.js'
import {makeSettings} from '../helpers/settings.js'
import {tempDir} from '../helpers/temp.js'
import {
  captureIssuedTokens,
  expectNoSecrets,
  freshSecrets,
  GITHUB_TOKEN,
  gitHeaderValue,
  snapshot
} from './helpers.js'
import {startProxy} from './proxy.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const ACTION = path.join(ROOT, 'dist/index.js')
const run = promisify(execFile)

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.restoreAllMocks()
})

beforeAll(() => {
  // dist/ is committed; build it only when it is missing (e.g. a fresh clone before `npm run build`).
  if (!existsSync(ACTION)) execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'ignore'})
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
): Promise<{code: number; stdout: string; stderr: string; output: string; summary: string}> {
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
  const result = await run(process.execPath, [ACTION], {cwd: ROOT, env: childEnv}).then(
    ({stdout, stderr}) => ({code: 0, stdout, stderr}),
    (error: {code?: number; stdout?: string; stderr?: string}) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? ''
    })
  )
  return {
    ...result,
    output: await readFile(outputFile, 'utf8'),
    summary: await readFile(summaryFile, 'utf8')
  }
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
          '0'
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
