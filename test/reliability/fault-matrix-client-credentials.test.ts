/**
 * The fault matrix with client credentials (OAuth via the emulator's token
 * endpoint); see fault-matrix.test.ts for the static-token half.
 */
import {afterAll, beforeAll, describe, it, vi} from 'vitest'
import {finishMatrix, prepareMatrix, runMatrixRow} from './harness.js'
import {MATRIX, rowTitle} from './matrix.js'

// Octokit's retry plugin waits 1 s, 4 s, 9 s; the rows need its behaviour, not its patience.
vi.mock('../../src/github/pull-request.js', async importOriginal => {
  const original = await importOriginal<typeof import('../../src/github/pull-request.js')>()
  return {
    ...original,
    createOctokit: (...[github, token, options]: Parameters<typeof original.createOctokit>) =>
      original.createOctokit(github, token, {retryAfterBaseMs: 1, ...options})
  }
})

beforeAll(() => prepareMatrix())
afterAll(() => finishMatrix())

// Each row has its own emulator, workspace and fake GitHub; most of a row is waiting.
describe.concurrent('with client credentials', () => {
  for (const row of MATRIX.filter(r =>
    (r.credentials ?? ['client-credentials']).includes('client-credentials')
  )) {
    it(`${rowTitle(row)} → ${row.outcome}`, async () => runMatrixRow(row, 'client-credentials'))
  }
})
