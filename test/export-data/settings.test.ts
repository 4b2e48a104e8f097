import {mkdtemp, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import * as path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parseSettings, SettingsError} from '../../src/settings.js'
import {testIo} from './helpers.js'

describe('export-data inputs are refused by parseSettings, naming the input', () => {
  let tmp = ''
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'oac-data-settings-'))
  })
  afterAll(async () => rm(tmp, {recursive: true, force: true}))

  const parse = (inputs: Record<string, string>): unknown => {
    const all: Record<string, string> = {
      command: 'export-data',
      'optimize-url': 'http://127.0.0.1:1',
      'access-token': 'token',
      'report-ids': 'r1',
      ...inputs
    }
    return parseSettings(name => all[name] ?? '', {GITHUB_WORKSPACE: tmp}, testIo())
  }

  it.each([
    [{limit: '0'}, "Input 'limit' must be from 1 to 10000, got 0."],
    [{limit: '20000'}, "Input 'limit' must be from 1 to 10000, got 20000."],
    [{'pagination-timeout': '30'}, "Input 'pagination-timeout' must be from 60 to 86400, got 30."],
    [{format: 'xlsx'}, "Input 'format' must be one of 'ndjson', 'csv', got 'xlsx'."]
  ])('%o is refused', (inputs, message) => {
    expect(() => parse(inputs)).toThrow(SettingsError)
    expect(() => parse(inputs)).toThrow(message)
  })

  it('takes the documented defaults', () => {
    const settings = parse({}) as {data: Record<string, unknown>}
    expect(settings.data).toEqual({
      output: path.join(tmp, 'optimize-data'),
      relativeOutput: 'optimize-data',
      limit: 1000,
      paginationTimeout: 120,
      format: 'ndjson'
    })
  })

  it('requires report-ids', () => {
    expect(() => parse({'report-ids': ''})).toThrow(
      "Input 'report-ids' is required for 'export-data'."
    )
  })
})
