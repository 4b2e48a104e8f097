import {mkdir, readFile, symlink, writeFile} from 'node:fs/promises'
import {execFileSync} from 'node:child_process'
import * as path from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  checkNoLinksBetween,
  Folder,
  openToWrite,
  WorkspaceError
} from '../../src/workspace/files.js'
import {tempDir} from '../helpers/temp.js'

/** A root with a folder inside, and a file outside that links point at. */
async function scene(): Promise<{root: string; outside: string}> {
  const root = await tempDir()
  const elsewhere = await tempDir()
  const outside = path.join(elsewhere, 'secret.txt')
  await writeFile(outside, 'outside bytes\n')
  await mkdir(path.join(root, 'reports'))
  return {root, outside}
}

describe('Folder', () => {
  it('reads and writes regular files inside its root', async () => {
    const {root} = await scene()
    const folder = new Folder(root)
    folder.create('reports/a.json', 'a\n')
    expect(folder.read('reports/a.json')).toBe('a\n')
    expect(folder.read('reports/missing.json')).toBeUndefined()
    expect(() => folder.create('reports/a.json', 'c\n')).toThrow(/EEXIST/)
  })

  it('never reads a symbolic link, whatever it points at', async () => {
    const {root, outside} = await scene()
    await symlink(outside, path.join(root, 'reports/a.dmn'))
    const folder = new Folder(root)
    expect(() => folder.read('reports/a.dmn')).toThrow(
      "Refusing to read 'reports/a.dmn': it is a symbolic link."
    )
    await symlink(path.dirname(outside), path.join(root, 'linked'))
    expect(() => folder.read('linked/secret.txt')).toThrow(
      "Refusing to read from 'linked': it is a symbolic link."
    )
    expect(() => folder.list('linked')).toThrow(/'linked': it is a symbolic link/)
  })

  it('never writes through a symbolic link, and leaves its target alone', async () => {
    const {root, outside} = await scene()
    await symlink(outside, path.join(root, 'reports/a.json'))
    const folder = new Folder(root)
    expect(() => folder.create('reports/a.json', 'x\n')).toThrow(/EEXIST/)
    await symlink(path.dirname(outside), path.join(root, 'dashboards'))
    expect(() => folder.create('dashboards/d.json', 'x\n')).toThrow(
      "Refusing to write into 'dashboards': it is a symbolic link."
    )
    expect(() => folder.makeFolders('dashboards/sub')).toThrow(WorkspaceError)
    expect(await readFile(outside, 'utf8')).toBe('outside bytes\n')
  })

  it('refuses paths outside its root, and files that are not regular files', async () => {
    const {root} = await scene()
    const folder = new Folder(root)
    expect(() => folder.read('../x.json')).toThrow(/Refusing to read '..\/x.json': it is outside/)
    expect(() => folder.create('/etc/passwd', 'x')).toThrow(/it is outside/)
    execFileSync('mkfifo', [path.join(root, 'reports/pipe.json')])
    // A FIFO would block a reader that waits for a writer: it is refused at once.
    expect(() => folder.read('reports/pipe.json')).toThrow(/it is not a regular file/)
  })

  it('refuses a file over the size a reader allows, naming it', async () => {
    const {root} = await scene()
    await writeFile(path.join(root, 'reports/big.json'), 'x'.repeat(101))
    expect(() => new Folder(root).read('reports/big.json', 100)).toThrow(
      "'reports/big.json' is 101 bytes; it may have at most 100 bytes."
    )
  })
})

describe('functions for other modules', () => {
  it('Folder.read refuses links', async () => {
    const {root, outside} = await scene()
    await mkdir(path.join(root, 'plans'), {recursive: true})
    await writeFile(path.join(root, 'plans/plan.json'), '{}\n')
    expect(new Folder(root).read('plans/plan.json')).toBe('{}\n')
    await symlink(outside, path.join(root, 'plans/linked.json'))
    expect(() => new Folder(root).read('plans/linked.json')).toThrow(/symbolic link/)
    expect(await readFile(outside, 'utf8')).toBe('outside bytes\n')
  })

  it('checkNoLinksBetween refuses a link on the way from the workspace to a folder', async () => {
    const {root} = await scene()
    await mkdir(path.join(root, 'real/optimize'), {recursive: true})
    await symlink(path.join(root, 'real'), path.join(root, 'config'))
    expect(() => checkNoLinksBetween(root, path.join(root, 'real/optimize'))).not.toThrow()
    expect(() => checkNoLinksBetween(root, path.join(root, 'config/optimize'))).toThrow(
      "Refusing to read from 'config': it is a symbolic link."
    )
    await symlink(path.join(root, 'real/optimize'), path.join(root, 'linked'))
    expect(() => checkNoLinksBetween(root, path.join(root, 'linked'))).toThrow(/'linked'/)
  })

  it('openToWrite refuses a link in place of the file', async () => {
    const {root, outside} = await scene()
    const partial = path.join(root, 'r.ndjson.partial')
    await symlink(outside, partial)
    await expect(openToWrite(partial)).rejects.toThrow(
      `Refusing to write '${partial}': it is a symbolic link.`
    )
    expect(await readFile(outside, 'utf8')).toBe('outside bytes\n')
  })
})
