import {mkdir, readdir, readFile, rename, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {MANIFEST_FILE} from '../../src/entities/layout.js'
import {Folder} from '../../src/workspace/files.js'
import {
  commitJournal,
  recoverTree,
  STAGING_DIR,
  stagedPath,
  startStaging
} from '../../src/workspace/journal.js'
import {writeManagedFiles} from '../../src/workspace/write.js'
import {tempDir} from '../helpers/temp.js'

async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const entry of await readdir(root, {recursive: true, withFileTypes: true})) {
    const file = path.join(entry.parentPath, entry.name)
    out[path.relative(root, file)] = entry.isFile() ? await readFile(file, 'utf8') : 'folder'
  }
  return out
}

/** A tree written by an earlier run: a.json and gone.json, with its manifest. */
async function oldTree(): Promise<string> {
  const root = await tempDir()
  await writeManagedFiles(root, [
    {path: 'reports/a.json', content: 'old a\n'},
    {path: 'reports/gone.json', content: 'gone\n'},
    {path: MANIFEST_FILE, content: 'old manifest\n'}
  ])
  return root
}

/** Stages the next tree (a.json changed, b.json new, gone.json removed) as write.ts does. */
function stageNext(root: string, commit: boolean): void {
  const folder = new Folder(root)
  startStaging(folder)
  folder.makeFolders(path.dirname(stagedPath('reports/a.json')))
  folder.create(stagedPath('reports/a.json'), 'new a\n')
  folder.create(stagedPath('reports/b.json'), 'b\n')
  folder.create(stagedPath(MANIFEST_FILE), 'new manifest\n')
  if (commit)
    commitJournal(folder, {
      write: ['reports/a.json', 'reports/b.json', MANIFEST_FILE],
      remove: ['reports/gone.json']
    })
}

const NEXT = {
  [MANIFEST_FILE]: 'new manifest\n',
  reports: 'folder',
  'reports/a.json': 'new a\n',
  'reports/b.json': 'b\n'
}

describe('recoverTree', () => {
  it('completes a committed write that stopped halfway, and does nothing the second time', async () => {
    const root = await oldTree()
    stageNext(root, true)
    // The run died after moving the first file into place.
    await rename(path.join(root, stagedPath('reports/a.json')), path.join(root, 'reports/a.json'))
    expect(recoverTree(root)).toMatch(/completed its write \(3 files written, 1 removed\)/)
    expect(await snapshot(root)).toEqual(NEXT)
    expect(recoverTree(root)).toBeUndefined()
    expect(await snapshot(root)).toEqual(NEXT)
  })

  it('moves a folder the tree did not have into place whole, also after an interrupted apply', async () => {
    for (const interrupted of [false, true]) {
      const root = await tempDir()
      const folder = new Folder(root)
      startStaging(folder)
      folder.makeFolders(path.dirname(stagedPath('reports/b.json')))
      folder.create(stagedPath('reports/b.json'), 'b\n')
      folder.create(stagedPath(MANIFEST_FILE), 'new manifest\n')
      commitJournal(folder, {folders: ['reports'], write: [MANIFEST_FILE], remove: []})
      // The run died right after moving the folder.
      if (interrupted)
        await rename(path.join(root, stagedPath('reports')), path.join(root, 'reports'))
      expect(recoverTree(root)).toMatch(
        /completed its write \(1 files written, 1 new folders, 0 removed\)/
      )
      const next = {[MANIFEST_FILE]: 'new manifest\n', reports: 'folder', 'reports/b.json': 'b\n'}
      expect(await snapshot(root)).toEqual(next)
      expect(recoverTree(root)).toBeUndefined()
      expect(await snapshot(root)).toEqual(next)
    }
  })

  it('discards what was staged before the commit point: the old tree stands', async () => {
    const root = await oldTree()
    const before = await snapshot(root)
    stageNext(root, false)
    await writeFile(path.join(root, STAGING_DIR, 'journal.json.partial'), '{"formatVe')
    expect(recoverTree(root)).toMatch(/discarded what it staged/)
    expect(await snapshot(root)).toEqual(before)
  })

  it('writes the .gitignore first: nothing staged is ever visible to git', async () => {
    const root = await oldTree()
    stageNext(root, false)
    expect(await readFile(path.join(root, STAGING_DIR, '.gitignore'), 'utf8')).toBe('*\n')
  })

  it('refuses a staging folder that is a symbolic link, and a journal it did not write', async () => {
    const root = await oldTree()
    const elsewhere = await tempDir()
    await symlink(elsewhere, path.join(root, STAGING_DIR))
    expect(() => recoverTree(root)).toThrow(/it is a symbolic link/)

    const other = await oldTree()
    await mkdir(path.join(other, STAGING_DIR))
    for (const journal of [
      {formatVersion: 1, write: [], remove: ['../../outside.json']},
      {formatVersion: 1, write: [`${STAGING_DIR}/journal.json`], remove: []},
      {formatVersion: 2, write: [], remove: []},
      {formatVersion: 1, write: [], remove: [], folders: ['.']},
      {formatVersion: 1, write: [], remove: [], folders: [STAGING_DIR]}
    ]) {
      await writeFile(path.join(other, STAGING_DIR, 'journal.json'), JSON.stringify(journal))
      expect(() => recoverTree(other)).toThrow(/outside|not a journal optimize-as-code wrote/)
    }
    expect(await readFile(path.join(other, 'reports/gone.json'), 'utf8')).toBe('gone\n')
  })
})
