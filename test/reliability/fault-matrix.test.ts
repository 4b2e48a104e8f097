/**
 * The fault matrix (matrix.ts), one test per row and credential kind. Each
 * test injects the fault into the emulator or the fake GitHub, runs the real
 * command and checks: the outcome (retried and succeeded, or failed with a
 * message that says what to do), that nothing was lost, and that no secret
 * leaked (see harness.ts). This file runs the rows with a static token,
 * fault-matrix-client-credentials.test.ts with client credentials (two files,
 * so the two halves run in parallel).
 */
import {afterAll, beforeAll, describe, it} from 'vitest'
import {finishMatrix, prepareMatrix, runMatrixRow} from './harness.js'
import {MATRIX, rowTitle} from './matrix.js'

beforeAll(() => prepareMatrix())
afterAll(() => finishMatrix())

// Each row has its own emulator, workspace and fake GitHub; most of a row is waiting.
describe.concurrent('with a static token', () => {
  for (const row of MATRIX.filter(r => (r.credentials ?? ['token']).includes('token'))) {
    it(`${rowTitle(row)} → ${row.outcome}`, async () => runMatrixRow(row, 'token'))
  }
})
