import {mkdir, symlink} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import type {InputName} from '../src/constants.js'
import {SettingsError} from '../src/settings.js'
import {recordingIo} from './helpers/io.js'
import {makeSettings} from './helpers/settings.js'
import {tempDir} from './helpers/temp.js'

const base = {
  'optimize-url': 'https://optimize.example.com/',
  'access-token': 'tok3n',
  'dashboard-ids': 'a'
}

async function settingsWith(inputs: Partial<Record<InputName, string>>) {
  const workspace = await tempDir()
  return makeSettings({...base, ...inputs}, {workspace})
}

async function errorOf(inputs: Partial<Record<InputName, string>>): Promise<string> {
  try {
    await settingsWith(inputs)
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError)
    return (error as Error).message
  }
  throw new Error('expected a SettingsError')
}

describe('parseSettings', () => {
  it('reads a static-token export with defaults', async () => {
    const settings = await settingsWith({})
    expect(settings.command).toBe('export')
    expect(settings.connection).toMatchObject({
      baseUrl: 'https://optimize.example.com',
      credentials: {kind: 'token', token: 'tok3n'},
      timeoutMs: 30_000,
      concurrency: 4,
      batchSize: 100
    })
    expect(settings.relativePath).toBe('optimize')
    expect(settings.github).toMatchObject({mode: 'pull-request', branch: 'optimize-as-code/export'})
  })

  it('masks every secret the moment it is read', async () => {
    const io = recordingIo()
    makeSettings({...base, 'github-token': 'ghs_x'}, {workspace: await tempDir(), io})
    expect(io.secrets).toEqual(['tok3n', 'ghs_x'])
  })

  it('splits ID lists on newlines and commas, trims and dedupes', async () => {
    const settings = await settingsWith({
      'dashboard-ids': ' a, b\nc\n\na ,AnalysisTestingProcess\n'
    })
    expect(settings.dashboardIds).toEqual(['a', 'b', 'c', 'AnalysisTestingProcess'])
  })

  it('defaults SaaS token URL and audience for optimize.camunda.io hosts', async () => {
    const settings = await settingsWith({
      'optimize-url': 'https://bru-2.optimize.camunda.io/abc-123',
      'access-token': '',
      'client-id': 'id',
      'client-secret': 'secret'
    })
    expect(settings.connection?.baseUrl).toBe('https://bru-2.optimize.camunda.io/abc-123')
    expect(settings.connection?.credentials).toMatchObject({
      kind: 'client-credentials',
      audience: 'optimize.camunda.io'
    })
    if (settings.connection?.credentials.kind === 'client-credentials') {
      expect(settings.connection.credentials.oauthUrl.href).toBe(
        'https://login.cloud.camunda.io/oauth/token'
      )
    }
  })

  it('warns about plain http to a non-loopback host', async () => {
    const io = recordingIo()
    makeSettings(
      {...base, 'optimize-url': 'http://optimize.corp'},
      {workspace: await tempDir(), io}
    )
    expect(io.warnings[0].message).toMatch(/plain http:\/\/ to optimize\.corp/)
    makeSettings(
      {...base, 'optimize-url': 'http://127.0.0.1:8090'},
      {workspace: await tempDir(), io}
    )
    expect(io.warnings).toHaveLength(1)
  })

  it.each<[Partial<Record<InputName, string>>, RegExp]>([
    [
      {command: 'deploy'},
      /Input 'command' must be one of 'export', 'validate', 'plan', 'import', 'export-data', got 'deploy'/
    ],
    [{'optimize-url': ''}, /Input 'optimize-url' is required/],
    [{'optimize-url': 'optimize.example.com'}, /Input 'optimize-url' is not a valid URL/],
    [{'optimize-url': 'ftp://x'}, /must be an http:\/\/ or https:\/\/ URL/],
    [{'optimize-url': 'https://x/?a=1'}, /must not have a query/],
    [{'optimize-url': 'https://user:pw@x'}, /must not carry credentials/],
    [{'client-id': 'id', 'client-secret': 's'}, /contradict each other/],
    [{'access-token': '', 'client-id': 'id'}, /go together/],
    [{'access-token': ''}, /No credentials/],
    [
      {'access-token': 'has space'},
      /Input 'access-token' has characters a bearer token cannot have/
    ],
    [{'access-token': '', 'client-id': 'i', 'client-secret': 's'}, /Input 'oauth-url' is required/],
    [{'dashboard-ids': 'a,,b'}, /Input 'dashboard-ids' has an empty ID at position 2/],
    [{'dashboard-ids': 'a b'}, /Input 'dashboard-ids' has an invalid ID at position 1: "a b"/],
    [{'dashboard-ids': '../x'}, /invalid ID/],
    [{'dashboard-ids': '"quoted"'}, /invalid ID/],
    [{'dashboard-ids': ''}, /Nothing to export/],
    [{timeout: '0'}, /Input 'timeout' must be from 1 to 600, got 0/],
    [{timeout: 'ten'}, /Input 'timeout' must be a whole number/],
    [{concurrency: '100'}, /Input 'concurrency' must be from 1 to 32/],
    [{limit: '0'}, /Input 'limit' must be from 1 to 10000, got 0/],
    [{limit: '20000'}, /Input 'limit' must be from 1 to 10000, got 20000/],
    [{'pagination-timeout': '30'}, /Input 'pagination-timeout' must be from 60/],
    [{format: 'xml'}, /Input 'format' must be one of 'ndjson', 'csv'/],
    [{commit: 'yes'}, /Input 'commit' must be one of/],
    [{prune: 'yes'}, /Input 'prune' must be 'true' or 'false'/],
    [{path: '../outside'}, /Input 'path' must be a folder inside the workspace/],
    [{path: '/etc'}, /Input 'path' must be a folder inside the workspace/],
    [{output: '.'}, /Input 'output' must be a folder inside the workspace/],
    [{config: '../envs.yml'}, /Input 'config' must be a file inside the workspace/],
    [{config: '.git/envs.yml'}, /Input 'config' must not point into a \.git folder/],
    [{environment: 'prod'}, /Input 'environment' is only for 'plan' and 'import'/],
    [
      {command: 'plan'},
      /Input 'collection-id' \(or 'collection-name' with 'manage-collection' true\) is required for 'plan'/
    ],
    [
      {
        command: 'plan',
        'collection-id': 'c',
        'collection-name': 'Sales',
        'manage-collection': 'true'
      },
      /Inputs 'collection-id' and 'collection-name' name the target collection twice/
    ],
    [
      {command: 'import', 'collection-name': 'Sales'},
      /Input 'collection-name' needs 'manage-collection: true'/
    ],
    [
      {command: 'export-data', 'dashboard-ids': ''},
      /Input 'report-ids' is required for 'export-data'/
    ],
    [{'optimize-version': 'latest'}, /Input 'optimize-version' must look like '8.6'/]
  ])('refuses %j', async (inputs, message) => {
    expect(await errorOf(inputs)).toMatch(message)
  })

  it('never puts a secret into an error message', async () => {
    const message = await errorOf({'access-token': 'secret value with space'})
    expect(message).not.toContain('secret value')
  })

  it('refuses a path that leaves the workspace through a symbolic link', async () => {
    const workspace = await tempDir()
    const outside = await tempDir()
    await mkdir(path.join(workspace, 'sub'))
    await symlink(outside, path.join(workspace, 'sub', 'link'))
    expect(() => makeSettings({...base, path: 'sub/link/optimize'}, {workspace})).toThrow(
      /goes through a symbolic link that leads out of the workspace/
    )
  })

  it('does not need credentials for validate', async () => {
    const settings = makeSettings({command: 'validate'}, {workspace: await tempDir()})
    expect(settings.connection).toBeUndefined()
  })
})
