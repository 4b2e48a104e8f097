/** The real Optimize sample files in test/fixtures/optimize (SOURCES.md there says where each comes from). */
import {readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import type {Entity} from '../../src/optimize/schemas.js'

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/optimize/', import.meta.url))

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURE_DIR}${name}`, 'utf8')) as T
}

/** Optimize's own export file: 8 process reports and 1 dashboard. */
export function templateExport(): Entity[] {
  return readFixture<Entity[]>('instant-preview-template1.export.json')
}
