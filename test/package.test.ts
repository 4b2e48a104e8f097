/**
 * The published package, as `npm pack` makes it: only what a user of the
 * command line needs, installable without any dependency (dist/cli is one
 * bundle), and `npx optimize-as-code` runs from it.
 */
import {execFile} from 'node:child_process'
import {readFile, readdir, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {promisify} from 'node:util'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../emulator/index.js'
import {ROOT, ensureCliBundle} from './helpers/cli.js'
import {tempDir} from './helpers/temp.js'

const run = promisify(execFile)
const npm = async (args: string[], cwd: string) =>
  run('npm', [...args, '--no-audit', '--no-fund'], {cwd, env: userEnv()})

/** The test runner's environment without what a runner sets (GITHUB_WORKSPACE among it). */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(GITHUB|RUNNER|INPUT)_/.test(name))
  )
}

let emu: Emulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})
beforeAll(() => ensureCliBundle(), 180_000)

describe('the npm package', () => {
  it('holds the CLI bundle with its licences, README, LICENSE, CHANGELOG and package.json, nothing else', async () => {
    const {stdout} = await npm(['pack', '--dry-run', '--json'], ROOT)
    const [packed] = JSON.parse(stdout) as [{files: {path: string}[]}]

    expect(packed.files.map(file => file.path).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'dist/cli/index.js',
      'dist/cli/index.js.map',
      'dist/cli/licenses.txt',
      'dist/cli/package.json',
      'dist/cli/sourcemap-register.cjs',
      'package.json'
    ])
  })

  it('installs from its tarball without any dependency; `npx optimize-as-code` exports against Optimize', async () => {
    const dir = await tempDir('oac-pack-')
    const {stdout} = await npm(['pack', '--json', '--pack-destination', dir], ROOT)
    const [{filename}] = JSON.parse(stdout) as [{filename: string}]
    await writeFile(path.join(dir, 'package.json'), '{"private": true}\n')

    await npm(['install', '--offline', '--no-save', path.join(dir, filename)], dir)

    const installed = await readdir(path.join(dir, 'node_modules'))
    expect(installed.filter(name => !name.startsWith('.'))).toEqual(['optimize-as-code'])
    const bin = path.join(dir, 'node_modules', 'optimize-as-code', 'dist', 'cli', 'index.js')
    expect((await readFile(bin, 'utf8')).startsWith('#!/usr/bin/env node\n')).toBe(true)
    const version = await run('npx', ['--offline', 'optimize-as-code', '--version'], {cwd: dir})
    const {version: expected} = JSON.parse(
      await readFile(path.join(ROOT, 'package.json'), 'utf8')
    ) as {version: string}
    expect(version.stdout).toBe(`${expected}\n`)

    emu = await startEmulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 1, reportsPerDashboard: 2, seed: 4})
    const exported = await run(
      'npx',
      ['--offline', 'optimize-as-code', 'export', '--collection-id', 'dev', '--json'],
      {cwd: dir, env: {...userEnv(), OPTIMIZE_URL: emu.url, OPTIMIZE_ACCESS_TOKEN: emu.token}}
    )
    expect(JSON.parse(exported.stdout)).toMatchObject({changed: 'true'})
  }, 120_000)
})
