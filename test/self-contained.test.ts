// A clone of this repository, placed anywhere, has everything its tests need:
// nothing in the project may read files from beside the repository.
import {readdirSync, readFileSync} from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const FOLDERS = ['src', 'test', 'emulator', 'bench', 'scripts', '.ci']

function files(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : files(full)
    return /\.(ts|js|mjs|cjs|sh)$|^run$/.test(entry.name) ? [full] : []
  })
}

describe('the repository is self-contained', () => {
  it('no source, test, script or benchmark refers to a folder beside the repository', () => {
    const outside = FOLDERS.flatMap(folder => files(path.join(root, folder))).filter(file =>
      /(\.\.\/)+shared\b|new URL\(['"](\.\.\/){3}/.test(readFileSync(file, 'utf8'))
    )
    expect(outside.map(file => path.relative(root, file))).toEqual([])
  })
})
