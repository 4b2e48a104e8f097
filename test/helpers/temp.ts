/** Temporary folders that clean themselves up. */
import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterEach} from 'vitest'

const created: string[] = []

afterEach(async () => {
  await Promise.all(created.splice(0).map(async dir => rm(dir, {recursive: true, force: true})))
})

export async function tempDir(prefix = 'oac-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  created.push(dir)
  return dir
}
