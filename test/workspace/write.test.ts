import {mkdir, readdir, readFile, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {MANIFEST_FILE, type Manifest} from '../../src/entities/layout.js'
import {WorkspaceError} from '../../src/workspace/files.js'
import {writeManagedFiles} from '../../src/workspace/write.js'
import {tempDir} from '../helpers/temp.js'

const manifestOf = (...files: string[]): Manifest => ({formatVersion: 1, entities: [], files})

/** Every file under `root` with its content, and every folder. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(root, {recursive: true, withFileTypes: true})) {
    const file = path.join(entry.parentPath, entry.name)
    out[path.relative(root, file)] = entry.isFile() ? await readFile(file, 'utf8') : 'folder'
  }
  return out
}

describe('writeManagedFiles', () => {
  it('writes new files, replaces changed ones and removes those no longer listed', async () => {
    const root = await tempDir()
    await mkdir(path.join(root, 'reports'))
    await writeFile(path.join(root, 'reports/a.json'), 'old a\n')
    await writeFile(path.join(root, 'reports/gone.json'), 'gone\n')
    await writeFile(path.join(root, 'reports/same.json'), 'same\n')
    await writeFile(path.join(root, 'notes.md'), 'not ours\n')
    const result = await writeManagedFiles(
      root,
      [
        {path: 'reports/a.json', content: 'new a\n'},
        {path: 'reports/same.json', content: 'same\n'},
        {path: 'dashboards/d.json', content: 'd\n'},
        {path: MANIFEST_FILE, content: '{}\n'}
      ],
      manifestOf('reports/a.json', 'reports/gone.json', 'reports/same.json')
    )
    expect(result.changed).toEqual(['reports/a.json', 'dashboards/d.json', MANIFEST_FILE])
    expect(result.removed).toEqual(['reports/gone.json'])
    expect(await snapshot(root)).toEqual({
      dashboards: 'folder',
      'dashboards/d.json': 'd\n',
      [MANIFEST_FILE]: '{}\n',
      'notes.md': 'not ours\n',
      reports: 'folder',
      'reports/a.json': 'new a\n',
      'reports/same.json': 'same\n'
    })
  })

  it('leaves the folder as it was when a write fails halfway, new files included', async () => {
    const root = await tempDir()
    await mkdir(path.join(root, 'reports'))
    await writeFile(path.join(root, 'reports/a.json'), 'old a\n')
    const before = await snapshot(root)
    const failure = writeManagedFiles(
      root,
      [
        {path: 'reports/a.json', content: 'new a\n'},
        {path: 'reports/b.json', content: 'b\n'},
        {path: 'dashboards/d.json', content: 'd\n'},
        // A name longer than the file system allows: the last write fails.
        {path: `reports/${'c'.repeat(300)}.json`, content: 'c\n'}
      ],
      manifestOf('reports/a.json')
    )
    await expect(failure).rejects.toThrow(/ENAMETOOLONG/)
    expect(await snapshot(root)).toEqual(before)
  })

  it('never overwrites a file it did not write, nor writes through a symbolic link', async () => {
    const root = await tempDir()
    const outside = await tempDir()
    await mkdir(path.join(root, 'reports'))
    await writeFile(path.join(root, 'reports/mine.json'), 'someone else\n')
    await expect(
      writeManagedFiles(root, [{path: 'reports/mine.json', content: 'x\n'}], manifestOf())
    ).rejects.toThrow(/exists but was not written by optimize-as-code/)

    await symlink(path.join(outside, 'target.json'), path.join(root, 'reports/link.json'))
    await expect(
      writeManagedFiles(root, [{path: 'reports/link.json', content: 'x\n'}], manifestOf())
    ).rejects.toThrow(/'reports\/link.json': it is a symbolic link/)

    await symlink(outside, path.join(root, 'dashboards'))
    await expect(
      writeManagedFiles(root, [{path: 'dashboards/d.json', content: 'x\n'}], manifestOf())
    ).rejects.toThrow(WorkspaceError)
    expect(await readdir(outside)).toEqual([])
    await expect(
      writeManagedFiles(root, [{path: '../escape.json', content: 'x\n'}], manifestOf())
    ).rejects.toThrow(/outside/)
  })
})

describe('writeManagedFiles, crash-consistent', () => {
  it('leaves no staging folder and no temporary file, whether the write succeeds or fails', async () => {
    const root = await tempDir()
    await writeManagedFiles(root, [
      {path: 'reports/a.json', content: 'a\n'},
      {path: MANIFEST_FILE, content: '{}\n'}
    ])
    await writeManagedFiles(
      root,
      [
        {path: 'reports/a.json', content: 'a2\n'},
        {path: 'dashboards/d.json', content: 'd\n'},
        {path: MANIFEST_FILE, content: '{"v":2}\n'}
      ],
      manifestOf('reports/a.json')
    )
    expect(await snapshot(root)).toEqual({
      dashboards: 'folder',
      'dashboards/d.json': 'd\n',
      [MANIFEST_FILE]: '{"v":2}\n',
      reports: 'folder',
      'reports/a.json': 'a2\n'
    })
    // A name the file system refuses fails while staging, before anything in the tree changed.
    const before = await snapshot(root)
    await expect(
      writeManagedFiles(
        root,
        [
          {path: 'reports/a.json', content: 'a3\n'},
          {path: `dashboards/${'x'.repeat(300)}.json`, content: 'x\n'}
        ],
        manifestOf('reports/a.json', 'dashboards/d.json')
      )
    ).rejects.toThrow(/ENAMETOOLONG/)
    expect(await snapshot(root)).toEqual(before)
  })

  it('refuses to write when an earlier write was not recovered', async () => {
    const root = await tempDir()
    await mkdir(path.join(root, '.optimize-as-code-staging'))
    await expect(
      writeManagedFiles(root, [{path: 'reports/a.json', content: 'a\n'}])
    ).rejects.toThrow(/earlier run that was not recovered/)
  })
})
