import {afterEach, describe, expect, it, vi} from 'vitest'
import {startEmulator, type Emulator} from '../emulator/index.js'
import {helpText, main} from '../src/cli.js'
import {INPUT_DOCS} from '../src/input-docs.js'
import {tempDir} from './helpers/temp.js'

let emu: Emulator | undefined
afterEach(async () => {
  vi.restoreAllMocks()
  await emu?.close()
  emu = undefined
})

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => (out.push(String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation(chunk => (err.push(String(chunk)), true))
  return {out: () => out.join(''), err: () => err.join('')}
}

describe('optimize-as-code CLI', () => {
  it('--help lists every option and the environment variables for secrets', async () => {
    const io = capture()
    expect(await main(['--help'])).toBe(0)
    for (const doc of INPUT_DOCS.filter(d => d.name !== 'command'))
      expect(io.out()).toContain(`--${doc.name}`)
    expect(helpText()).toContain('[env OPTIMIZE_ACCESS_TOKEN]')
    expect(helpText()).toContain('--commit')
  })

  it('refuses an unknown option and an unknown command with exit code 2 or 1', async () => {
    const io = capture()
    expect(await main(['export', '--no-such-option', 'x'])).toBe(2)
    expect(io.err()).toMatch(/Unknown option '--no-such-option'/)
    expect(await main(['deploy'], {GITHUB_WORKSPACE: await tempDir()})).toBe(1)
    expect(io.err()).toMatch(/Input 'command' must be one of/)
  })

  it('exports with the token from the environment, writes only files, and never prints the token', async () => {
    emu = await startEmulator()
    emu.state.addCollection({id: 'dev', name: 'Dev'})
    emu.state.generate({collectionId: 'dev', dashboards: 2, reportsPerDashboard: 2, seed: 1})
    const workspace = await tempDir()
    const io = capture()
    const code = await main(
      ['export', '--optimize-url', emu.url, '--collection-id', 'dev', '--json'],
      {
        GITHUB_WORKSPACE: workspace,
        OPTIMIZE_ACCESS_TOKEN: emu.token
      }
    )
    expect(io.err()).toBe('')
    expect(code).toBe(0)
    const outputs = JSON.parse(io.out().trim().split('\n').at(-1)!)
    expect(outputs.changed).toBe('true')
    expect(JSON.parse(outputs.files)).toContain('optimize/optimize-as-code.json')
    expect(io.out()).not.toContain(emu.token)
  })

  it('fails with exit code 1 and a clear message when Optimize refuses the token', async () => {
    emu = await startEmulator()
    const io = capture()
    const code = await main(
      [
        'export',
        '--optimize-url',
        emu.url,
        '--collection-id',
        'dev',
        '--access-token',
        'wrong',
        '--retries',
        '0'
      ],
      {GITHUB_WORKSPACE: await tempDir()}
    )
    expect(code).toBe(1)
    expect(io.err()).toMatch(/401 Unauthorized: Optimize rejected the token/)
    expect(io.err()).not.toContain('wrong')
  })
})
