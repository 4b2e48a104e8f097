// What the repository promises beside the code: the bundle maps its stack traces to src/,
// the Node versions agree with `runs.using`, and the workflows pin what they run.
import {execFile} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {describe, expect, it} from 'vitest'
import {ACTION, ensureBundle} from './helpers/action.js'
import {tempDir} from './helpers/temp.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8')
const WORKFLOWS = '.github/workflows'

describe('the bundled action', () => {
  it('reports stack traces in src/ files, without any flag for Node', async () => {
    // Arrange: a preload that makes writing the ::error:: line throw, so run()'s catch
    // fails and Node prints the uncaught error's stack, as it would for any crash.
    ensureBundle()
    const dir = await tempDir('oac-stack-')
    const preload = path.join(dir, 'refuse-error-line.mjs')
    await writeFile(
      preload,
      [
        'const write = process.stdout.write.bind(process.stdout)',
        'process.stdout.write = (chunk, ...rest) => {',
        "  if (String(chunk).startsWith('::error::')) throw new Error('refused the error line')",
        '  return write(chunk, ...rest)',
        '}'
      ].join('\n')
    )

    // Act
    const {stderr} = await promisify(execFile)(process.execPath, ['--import', preload, ACTION], {
      cwd: root,
      env: {PATH: process.env.PATH, INPUT_COMMAND: 'not-a-command'}
    }).then(
      () => ({stderr: ''}),
      (error: {stderr?: string}) => ({stderr: error.stderr ?? ''})
    )

    // Assert: the frame of run() names src/main.ts and a line in it, not a line of dist/index.js.
    expect(stderr).toContain('refused the error line')
    const frame = /^\s+at run \((.+)\)$/m.exec(stderr)?.[1]
    expect(frame).toMatch(/\/src\/main\.ts:\d+:\d+$/)
  })
})

describe('Node versions', () => {
  it('.node-version, engines and @types/node all follow runs.using in action.yml', () => {
    const major = /^runs:\n {2}using: node(\d+)$/m.exec(read('action.yml'))?.[1]
    const pkg = JSON.parse(read('package.json'))
    expect(major).toBe('24')
    expect(read('.node-version').trim()).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+$`))
    expect(pkg.engines.node).toBe(`>=${major}`)
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^${major}\\.`))
  })
})

describe('workflows', () => {
  const workflowFiles = (): string[] => readdirSync(path.join(root, WORKFLOWS)).sort()

  it('exist for CI, the dist/ check and releases', () => {
    expect(workflowFiles()).toEqual(['check-dist.yml', 'ci.yml', 'release.yml'])
  })

  it('pin every action by commit SHA with its version in a comment (or use ./)', () => {
    const unpinned = workflowFiles().flatMap(file =>
      read(`${WORKFLOWS}/${file}`)
        .split('\n')
        .filter(line => /^\s*(- )?uses:/.test(line))
        .filter(line => !/uses: (\.\/|[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+)$/.test(line))
        .map(line => `${file}: ${line.trim()}`)
    )
    expect(unpinned).toEqual([])
  })

  it('declare their permissions, and only the release workflow may write', () => {
    for (const file of workflowFiles()) {
      const text = read(`${WORKFLOWS}/${file}`)
      expect(text, file).toMatch(/^permissions:/m)
      expect(/: write\b/.test(text), file).toBe(file === 'release.yml')
    }
  })
})
