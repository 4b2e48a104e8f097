/**
 * The fault matrix with client credentials (OAuth via the emulator's token
 * endpoint); see fault-matrix.test.ts for the static-token half.
 */
import {afterAll, beforeAll, describe, it} from 'vitest'
import {finishMatrix, prepareMatrix, runMatrixRow} from './harness.js'
import {MATRIX, rowTitle} from './matrix.js'

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
