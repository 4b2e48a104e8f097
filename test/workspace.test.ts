import {mkdir, readdir, readFile, symlink, writeFile} from 'node:fs/promises'
import * as path from 'node:path'
import {Worker} from 'node:worker_threads'
import {afterAll, describe, expect, it} from 'vitest'
import {MANIFEST_FILE, type ManagedFile, type Manifest} from '../src/entities/layout.js'
import {ExportWorker, WORKER_ROLE} from '../src/export-worker.js'
import {
  writeManagedFiles,
  WorkspaceError,
  type WriteHelper,
  type WriteReport
} from '../src/workspace.js'
import {tempDir} from './helpers/temp.js'

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

/**
 * Dashboards whose canonical texts the helper thread holds, as export hands
 * them over, in files named by `fileOf`; and what the helper thread reported.
 */
async function heldDashboards(
  worker: ExportWorker,
  count: number,
  fileOf = (i: number) => `dashboards/d${i}.json`
) {
  const keys: number[] = []
  const heldAt = new Map<string, number>()
  const files: ManagedFile[] = []
  for (let i = 0; i < count; i++) {
    const json = JSON.stringify({
      id: `d${i}`,
      exportEntityType: 'dashboard',
      name: `D ${i}`,
      tiles: []
    })
    const result = await worker.serialize(json, keys)
    if (!('text' in result) || result.held === undefined) throw new Error('the text is not held')
    heldAt.set(fileOf(i), result.held)
    files.push({path: fileOf(i), content: result.text})
  }
  const reports: WriteReport[] = []
  let claims: Int32Array | undefined
  const helper: WriteHelper = {
    held: file => heldAt.get(file.path),
    write: async (jobs, next) => {
      claims = next
      const report = await worker.writeHeld(jobs, next)
      reports.push(report)
      return report
    }
  }
  /** Blocks this thread until the helper thread has taken `count` files (or 10 s passed). */
  const untilTaken = (count: number): void => {
    const deadline = Date.now() + 10_000
    while ((claims ? Atomics.load(claims, 0) : 0) < count && Date.now() < deadline) pause(1)
  }
  return {files, helper, keys, reports, untilTaken}
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
}

/** The folder as writing `files` into it should leave it: each file with its content. */
function expectedTree(files: readonly ManagedFile[]): Record<string, string> {
  const tree: Record<string, string> = {}
  for (const file of files) {
    tree[path.dirname(file.path)] = 'folder'
    tree[file.path] = file.content
  }
  delete tree['.']
  return tree
}

describe('writeManagedFiles with a helper thread', () => {
  const worker = ExportWorker.create()
  afterAll(async () => worker.close())
  const own = [
    {path: 'dashboards/d0.svg', content: '<svg/>\n'},
    {path: MANIFEST_FILE, content: '{}\n'}
  ]

  it('shares the writing: every file lands once, with its content', async () => {
    const root = await tempDir()
    const {files, helper, reports, untilTaken} = await heldDashboards(worker, 400)
    const result = await writeManagedFiles(root, [...files, ...own], undefined, undefined, {
      helper,
      meanwhile: () => untilTaken(20)
    })
    expect(worker.threaded).toBe(true)
    expect(result.changed).toHaveLength(402)
    expect(reports).toHaveLength(1)
    expect(reports[0].written.length).toBeGreaterThan(0)
    expect(reports[0].error).toBeUndefined()
    expect(await snapshot(root)).toEqual(expectedTree([...files, ...own]))
  })

  it('takes back what both threads wrote when a write of the helper thread fails', async () => {
    const root = await tempDir()
    await mkdir(path.join(root, 'dashboards'))
    await writeFile(path.join(root, 'dashboards/d1.json'), 'old\n')
    const before = await snapshot(root)
    // The helper thread takes files in order while this one is busy: it meets the long name.
    const {files, helper, reports, untilTaken} = await heldDashboards(worker, 200, i =>
      i === 5 ? `dashboards/${'d'.repeat(300)}.json` : `dashboards/d${i}.json`
    )
    const failure = writeManagedFiles(
      root,
      [...files, ...own],
      manifestOf('dashboards/d1.json'),
      undefined,
      {helper, meanwhile: () => untilTaken(6)}
    )
    await expect(failure).rejects.toThrow(/ENAMETOOLONG/)
    expect(reports[0].error?.code).toBe('ENAMETOOLONG')
    expect(reports[0].written.length).toBeGreaterThan(1)
    expect(await snapshot(root)).toEqual(before)
  })

  it('takes back what both threads wrote when a write of this thread fails', async () => {
    const root = await tempDir()
    const {files, helper, reports} = await heldDashboards(worker, 200)
    const failure = writeManagedFiles(
      root,
      [...files, {path: `dashboards/${'s'.repeat(300)}.svg`, content: '<svg/>\n'}],
      undefined,
      undefined,
      // This thread writes its own files first, while the helper thread writes the others.
      {helper}
    )
    await expect(failure).rejects.toThrow(/ENAMETOOLONG/)
    expect(reports[0].error).toBeUndefined()
    expect(await snapshot(root)).toEqual({})
  })

  it('takes back what both threads wrote when the work meanwhile fails', async () => {
    const root = await tempDir()
    const {files, helper, reports, untilTaken} = await heldDashboards(worker, 200)
    const failure = writeManagedFiles(root, [...files, ...own], undefined, undefined, {
      helper,
      meanwhile: () => {
        untilTaken(20)
        throw new Error('the summary failed')
      }
    })
    await expect(failure).rejects.toThrow('the summary failed')
    expect(reports[0].written.length).toBeGreaterThan(0)
    expect(await snapshot(root)).toEqual({})
  })

  it('fails, leaving nothing, when the helper thread no longer holds the texts', async () => {
    const root = await tempDir()
    const {files, helper, keys, untilTaken} = await heldDashboards(worker, 20)
    worker.release(keys)
    await expect(
      writeManagedFiles(root, files, undefined, undefined, {helper, meanwhile: () => untilTaken(1)})
    ).rejects.toThrow(/no text is held for .*d\d+\.json/)
    expect(await snapshot(root)).toEqual({})
  })

  it('writes here what a helper thread that ended left unwritten or half-written', async () => {
    // A helper thread that ends in the middle of its eleventh file.
    const source = JSON.stringify(new URL('../src/export-worker.ts', import.meta.url).href)
    const dying = ExportWorker.create(
      () =>
        new Worker(
          `const fs = require('node:fs')
           const write = fs.writeFileSync
           let count = 0
           fs.writeFileSync = (file, text, options) => {
             if (++count <= 10) return write(file, text, options)
             write(file, text.slice(0, 5), options)
             process.exit(1)
           }
           require('node:module').syncBuiltinESMExports()
           import('tsx/esm/api').then(({tsImport}) => tsImport(${source}, ${source}))`,
          {eval: true, workerData: {role: WORKER_ROLE}}
        )
    )
    try {
      const root = await tempDir()
      const {files, helper, reports, untilTaken} = await heldDashboards(dying, 100)
      await writeManagedFiles(root, [...files, ...own], undefined, undefined, {
        helper,
        meanwhile: () => untilTaken(11)
      })
      expect(reports).toEqual([{written: [], lost: true}])
      expect(dying.threaded).toBe(false)
      expect(await snapshot(root)).toEqual(expectedTree([...files, ...own]))
    } finally {
      await dying.close()
    }
  })
})
