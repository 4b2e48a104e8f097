/**
 * The command line as a user runs it: `node dist/cli/index.js` in a folder of
 * its own, against the emulator on loopback. Help, version and suggestions;
 * errors that name flags and environment variables; messages on stderr and
 * results on stdout; DNS failures that fail at once.
 */
import {readFile, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {afterEach, beforeAll, describe, expect, it} from 'vitest'
import {startEmulator, type Emulator} from '../emulator/index.js'
import {INPUT_DOCS} from '../src/input-docs.js'
import {ensureBundle, runAction} from './helpers/action.js'
import {ROOT, ensureCliBundle, fakeDnsEnv, runCli} from './helpers/cli.js'
import {tempDir} from './helpers/temp.js'

let emu: Emulator | undefined
afterEach(async () => {
  await emu?.close()
  emu = undefined
})
beforeAll(() => {
  ensureBundle()
  ensureCliBundle()
}, 180_000)

async function devEmulator(): Promise<Emulator> {
  emu = await startEmulator()
  emu.state.addCollection({id: 'dev', name: 'Dev'})
  emu.state.generate({collectionId: 'dev', dashboards: 2, reportsPerDashboard: 2, seed: 1})
  return emu
}

describe('help, version and suggestions', () => {
  it('--version prints the version of package.json; -h, --help and help <command> print help', async () => {
    const cwd = await tempDir()
    const {version} = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string
    }

    const versionRun = await runCli(['--version'], {cwd})
    expect(versionRun).toMatchObject({code: 0, stdout: `${version}\n`, stderr: ''})

    for (const flag of ['-h', '--help']) {
      const help = await runCli([flag], {cwd})
      expect(help.code).toBe(0)
      for (const command of ['export', 'validate', 'plan', 'import', 'export-data'])
        expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'))
    }
    const helpCommand = await runCli(['help', 'plan'], {cwd})
    expect(helpCommand.code).toBe(0)
    expect(helpCommand.stdout).toContain('Usage: optimize-as-code plan [options]')
  })

  it("each command's --help lists its own options with their environment variables, and no other command's", async () => {
    const cwd = await tempDir()
    const help = await runCli(['export', '--help'], {cwd})

    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: optimize-as-code export [options]')
    const forExport = INPUT_DOCS.filter(doc => doc.commands?.includes('export') ?? true)
    for (const doc of forExport.filter(d => d.name !== 'command'))
      expect(help.stdout).toContain(`--${doc.name} <value>`)
    expect(help.stdout).not.toContain('--prune')
    expect(help.stdout).not.toContain('--approved-plan')
    expect(help.stdout).toMatch(/\[env:\s+OPTIMIZE_URL\]/)
    expect(help.stdout).toMatch(/\[env:\s+OPTIMIZE_ACCESS_TOKEN\]/)
    expect(help.stdout).toMatch(/--commit <value>[\s\S]*\(default: none\)/)
    for (const flag of ['--json', '--summary', '--quiet', '--verbose'])
      expect(help.stdout).toContain(flag)

    const validate = await runCli(['validate', '--help'], {cwd})
    expect(validate.stdout).toContain('--path <value>')
    expect(validate.stdout).not.toContain('--optimize-url')
  })

  it('suggests the option or command that was meant, and exits with 2', async () => {
    const cwd = await tempDir()

    const option = await runCli(['export', '--colection-id', 'dev'], {cwd})
    expect(option.code).toBe(2)
    expect(option.stderr).toContain("unknown option '--colection-id'")
    expect(option.stderr).toContain('(Did you mean --collection-id?)')

    const command = await runCli(['exprot'], {cwd})
    expect(command.code).toBe(2)
    expect(command.stderr).toContain("unknown command 'exprot'")
    expect(command.stderr).toContain('(Did you mean export?)')

    const other = await runCli(['validate', '--optimize-url', 'https://optimize.example.com'], {
      cwd
    })
    expect(other.code).toBe(2)
    expect(other.stderr).toContain(
      "error: --optimize-url does not apply to 'validate' (only to export, plan, import and export-data)."
    )
    expect(other.stdout).toBe('')
  })
})

describe('messages in the vocabulary of the command line', () => {
  it('names the flag and its environment variable where the action names the input, and exits with 2', async () => {
    const cwd = await tempDir()

    const missing = await runCli(['export', '--collection-id', 'dev'], {cwd})
    expect(missing.stderr).toBe(
      'error: --optimize-url (or OPTIMIZE_URL) is required, e.g. https://optimize.example.com.\n'
    )

    const range = await runCli(
      ['export', '--collection-id', 'dev', '--timeout', '0', '--access-token', 'abc-token'],
      {cwd, env: {OPTIMIZE_URL: 'https://optimize.example.com'}}
    )
    expect(range.stderr).toContain('error: --timeout must be from 1 to 600, got 0.')

    const contradiction = await runCli(['export', '--collection-id', 'dev'], {
      cwd,
      env: {
        OPTIMIZE_URL: 'https://optimize.example.com',
        OPTIMIZE_ACCESS_TOKEN: 'abc-token',
        OPTIMIZE_CLIENT_ID: 'client'
      }
    })
    expect(contradiction.stderr).toContain(
      'error: --access-token (or OPTIMIZE_ACCESS_TOKEN) and --client-id (or OPTIMIZE_CLIENT_ID)/--client-secret (or OPTIMIZE_CLIENT_SECRET) contradict each other'
    )
    for (const run of [missing, range, contradiction]) {
      expect(run.stderr).not.toMatch(/[Ii]nput/)
      // A value the options do not allow makes the command line wrong, as an unknown option does.
      expect(run).toMatchObject({code: 2, stdout: ''})
    }
  })

  it('the bundled action names the same settings as inputs', async () => {
    const workspace = await tempDir()

    const missing = await runAction(
      {command: 'export', 'collection-id': 'dev'},
      {GITHUB_WORKSPACE: workspace}
    )

    expect(missing.code).toBe(1)
    expect(missing.stdout).toContain(
      "::error::Input 'optimize-url' is required, e.g. https://optimize.example.com."
    )
    expect(missing.stdout).not.toContain('--optimize-url')
  })

  it("names the flag in Optimize's refusal too, and never prints the token", async () => {
    const target = await devEmulator()
    const cwd = await tempDir()
    const run = await runCli(
      [
        'export',
        '--optimize-url',
        target.url,
        '--collection-id',
        'dev',
        '--retries',
        '0',
        '--access-token',
        'wrong-token-1'
      ],
      {cwd}
    )

    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(
      /401 Unauthorized: Optimize rejected the token.*Check --access-token \(or OPTIMIZE_ACCESS_TOKEN\)/
    )
    expect(run.stderr + run.stdout).not.toContain('wrong-token-1')
  })
})

describe('messages on stderr, results on stdout', () => {
  it('export: progress and a count of files on stderr, the outputs and the summary on stdout; each file only with --verbose; nothing but results with --quiet', async () => {
    const target = await devEmulator()
    const cwd = await tempDir()
    const env = {OPTIMIZE_ACCESS_TOKEN: target.token}
    const args = ['export', '--optimize-url', target.url, '--collection-id', 'dev']

    const first = await runCli(args, {cwd, env})

    expect(first.code).toBe(0)
    // The outputs, a long list as its count, then the summary's opening as plain text.
    expect(first.stdout).toMatch(
      /^changed: true\nfiles: \d+ entries \(--json lists them\)\n\nOptimize export\nExported 2 dashboards and \d+ reports into optimize\.\nWhat changed\nDashboards: 2 added · Reports: \d+ added\n$/
    )
    expect(first.stderr).toContain('== Writing')
    expect(first.stderr).toMatch(/^\d+ files new or changed, 0 removed, 0 unchanged$/m)
    expect(first.stderr).not.toMatch(/^wrote /m)
    expect(first.stdout).not.toMatch(/Fetched|== |wrote /)
    expect(first.stdout + first.stderr).not.toContain(target.token)

    // The same export again, after one file was changed by hand: written again.
    const manifest = path.join(cwd, 'optimize', 'optimize-as-code.json')
    const dashboards = JSON.parse(await readFile(manifest, 'utf8')) as {
      entities: {file: string; type: string}[]
    }
    const file = dashboards.entities.find(e => e.type === 'dashboard')?.file as string
    await writeFile(path.join(cwd, 'optimize', file), '{}\n')
    const verbose = await runCli([...args, '--verbose'], {cwd, env})
    expect(verbose.code).toBe(0)
    expect(verbose.stderr).toMatch(new RegExp(`^debug: wrote optimize/${file}$`, 'm'))
    expect(verbose.stderr.match(/^debug: wrote /gm)).toHaveLength(1)

    const quiet = await runCli([...args, '--quiet'], {cwd, env})
    expect(quiet.code).toBe(0)
    expect(quiet.stderr).toBe('')
    expect(quiet.stdout).toMatch(/^changed: false$/m)
  })

  it('export --json lists every file and holds the whole summary; --summary prints the Markdown summary alone', async () => {
    const target = await devEmulator()
    const cwd = await tempDir()
    const env = {OPTIMIZE_ACCESS_TOKEN: target.token}
    const args = ['export', '--optimize-url', target.url, '--collection-id', 'dev']

    const json = await runCli([...args, '--json'], {cwd, env})

    expect(json.code).toBe(0)
    const results = JSON.parse(json.stdout) as Record<string, string>
    expect(Object.keys(results).sort()).toEqual(['changed', 'files', 'summary'])
    const manifest = JSON.parse(
      await readFile(path.join(cwd, 'optimize', 'optimize-as-code.json'), 'utf8')
    ) as {entities: {file: string}[]}
    const files = JSON.parse(results.files) as string[]
    for (const {file} of manifest.entities) expect(files).toContain(`optimize/${file}`)
    expect(results.summary).toMatch(/^## Optimize export\n[\s\S]*\n### Dashboards\n/)

    const summary = await runCli([...args, '--summary'], {cwd, env})
    expect(summary.code).toBe(0)
    expect(summary.stdout).toMatch(/^## Optimize export\n\nExported \*\*2\*\* dashboards/)
    expect(summary.stdout).not.toMatch(/^(changed|files):/m)

    const both = await runCli([...args, '--summary', '--json'], {cwd, env})
    expect(both).toMatchObject({code: 2, stdout: ''})
    expect(both.stderr).toContain("option '--summary' cannot be used with option '--json'")
  })

  it('plan: the summary names flags too; plan.json keeps the inputs', async () => {
    const target = await devEmulator()
    const cwd = await tempDir()
    const env = {OPTIMIZE_ACCESS_TOKEN: target.token, OPTIMIZE_URL: target.url}
    expect((await runCli(['export', '--collection-id', 'dev'], {cwd, env})).code).toBe(0)

    const plan = await runCli(['plan', '--collection-id', 'dev', '--json'], {cwd, env})

    expect(plan.code).toBe(0)
    const {summary, plan: planFile} = JSON.parse(plan.stdout) as Record<string, string>
    expect(summary).toContain('no --definitions-url: Optimize checks')
    expect(summary).not.toContain("'definitions-url'")
    expect(await readFile(planFile, 'utf8')).toContain("no 'definitions-url': Optimize checks")
  })

  it('validate --json: stdout is exactly one JSON object of the outputs (what `| jq` needs), also when validation fails', async () => {
    const target = await devEmulator()
    const cwd = await tempDir()
    const env = {OPTIMIZE_ACCESS_TOKEN: target.token}
    const exportArgs = ['export', '--optimize-url', target.url, '--collection-id', 'dev']
    expect((await runCli(exportArgs, {cwd, env})).code).toBe(0)

    const passed = await runCli(['validate', '--json'], {cwd})
    expect(passed.code).toBe(0)
    expect(JSON.parse(passed.stdout)).toEqual({summary: expect.stringContaining('passed')})
    expect(passed.stderr).toContain('== Validating optimize')

    const manifest = JSON.parse(
      await readFile(path.join(cwd, 'optimize', 'optimize-as-code.json'), 'utf8')
    ) as {entities: {file: string}[]}
    await writeFile(path.join(cwd, 'optimize', manifest.entities[0].file), '{"id": \n')
    const failed = await runCli(['validate', '--json'], {cwd})
    expect(failed.code).toBe(1)
    expect(JSON.parse(failed.stdout)).toEqual({summary: expect.stringContaining('failed')})
    expect(failed.stderr).toMatch(/^error: optimize\/.*\.json:\d+/m)
  })
})

describe('a host name that does not resolve', () => {
  it('ENOTFOUND fails at once and EAI_AGAIN after one retry, naming --optimize-url', async () => {
    const cwd = await tempDir()
    const args = ['export', '--optimize-url', 'https://optimize.test', '--dashboard-ids', 'd1']
    const env = {OPTIMIZE_ACCESS_TOKEN: 'abc-token'}

    const notFoundLog = path.join(cwd, 'enotfound.log')
    const started = Date.now()
    const notFound = await runCli(args, {
      cwd,
      env: {...env, ...fakeDnsEnv('ENOTFOUND', notFoundLog)}
    })
    const seconds = (Date.now() - started) / 1000

    expect(notFound.code).toBe(1)
    expect(notFound.stderr).toContain(
      'the host name optimize.test cannot be resolved (ENOTFOUND): check --optimize-url (or OPTIMIZE_URL)'
    )
    expect(notFound.stderr).not.toContain('trying again')
    expect(await readFile(notFoundLog, 'utf8')).toBe('optimize.test\n')
    expect(seconds).toBeLessThan(5)

    const againLog = path.join(cwd, 'eai-again.log')
    const again = await runCli(args, {cwd, env: {...env, ...fakeDnsEnv('EAI_AGAIN', againLog)}})

    expect(again.code).toBe(1)
    expect(again.stderr.match(/trying again \(1 try left\)/g)).toHaveLength(1)
    expect(again.stderr).toMatch(
      /^error: .*the host name optimize.test cannot be resolved \(EAI_AGAIN\): check --optimize-url \(or OPTIMIZE_URL\)$/m
    )
    expect(await readFile(againLog, 'utf8')).toBe('optimize.test\noptimize.test\n')
  }, 60_000)
})
