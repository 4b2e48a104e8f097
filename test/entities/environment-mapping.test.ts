import {describe, expect, it} from 'vitest'
import {parseEnvironmentConfig} from '../../src/entities/environment-config.js'
import {mapReport} from '../../src/entities/environment-mapping.js'
import type {Report} from '../../src/optimize/schemas.js'

function mappingOf(text: string, name: string) {
  const {config, problems} = parseEnvironmentConfig(text)
  expect(problems).toEqual([])
  const mapping = config?.environments.get(name)
  if (!mapping) throw new Error(`no environment ${name}`)
  return mapping
}

function report(definitions: Record<string, unknown>[]): Report {
  return {
    id: 'r',
    name: 'R',
    exportEntityType: 'single_process_report',
    data: {definitions}
  } as unknown as Report
}

describe('parseEnvironmentConfig', () => {
  it('keeps ~ as the default tenant, as key and value, and an empty environment', () => {
    const mapping = mappingOf(
      'environments:\n  prod:\n    tenants:\n      ~: main\n      eu: ~\n  test:\n',
      'prod'
    )
    expect([...mapping.tenants]).toEqual([
      [null, 'main'],
      ['eu', null]
    ])
    expect(parseEnvironmentConfig('environments:\n  test:\n').config?.environments.size).toBe(1)
  })

  it('names the line of a duplicate key, of a number where a key belongs, and of a value with spaces', () => {
    expect(
      parseEnvironmentConfig('environments:\n  p:\n    tenants:\n      a: b\n      a: c\n').problems
    ).toEqual([{line: 5, column: 7, message: 'Map keys must be unique'}])
    expect(
      parseEnvironmentConfig('environments:\n  p:\n    definitions:\n      12: b\n').problems
    ).toEqual([
      {
        line: 4,
        column: 11,
        message: 'environments.p.definitions.12: expected a definition key (a string)'
      }
    ])
    expect(
      parseEnvironmentConfig('environments:\n  p:\n    definitions:\n      a: b c\n').problems
    ).toEqual([
      {
        line: 4,
        column: 10,
        message: 'environments.p.definitions.a: expected a definition key without spaces'
      }
    ])
  })
})

describe('mapReport', () => {
  const mapping = mappingOf(
    'environments:\n  prod:\n    tenants:\n      ~: main\n      a: b\n    definitions:\n      k: k2\n',
    'prod'
  )

  it('maps an absent tenant list (the default tenant) only when the default tenant is mapped', () => {
    const mapped = mapReport(report([{key: 'k'}]), mapping, () => {})
    expect(mapped.exportEntityType === 'single_process_report' && mapped.data.definitions).toEqual([
      {key: 'k2', tenantIds: ['main']}
    ])
    const keep = mappingOf('environments:\n  p:\n    definitions:\n      x: y\n', 'p')
    const same = report([{key: 'k'}])
    expect(mapReport(same, keep, () => {})).toBe(same)
  })

  it('merges tenants that map to one, sorted as an export sorts them, and notes each mapping', () => {
    const notes: string[] = []
    const mapped = mapReport(report([{key: 'q', tenantIds: [null, 'a', 'b']}]), mapping, line =>
      notes.push(line)
    )
    expect(mapped.exportEntityType === 'single_process_report' && mapped.data.definitions).toEqual([
      {key: 'q', tenantIds: ['b', 'main']}
    ])
    expect(notes).toEqual(["tenant none (not defined) → 'main'", "tenant 'a' → 'b'"])
  })
})
