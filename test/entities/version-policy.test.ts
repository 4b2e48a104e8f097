import {describe, expect, it} from 'vitest'
import {parseEnvironmentConfig} from '../../src/entities/environment-config.js'
import {servesTenant, type EngineDefinitions} from '../../src/entities/engine-definitions.js'
import type {LoadedTree} from '../../src/entities/layout.js'
import {applyVersionPolicy} from '../../src/entities/version-policy.js'
import type {Report} from '../../src/optimize/schemas.js'

function report(id: string, type: string, definitions: Record<string, unknown>[]): Report {
  return {id, name: id, exportEntityType: type, data: {definitions}} as unknown as Report
}

function tree(reports: Report[]): LoadedTree {
  return {
    tree: {dashboards: [], reports: reports.map(entity => ({entity}))},
    files: reports.map(entity => ({file: `reports/${entity.id}.json`, entity}) as never),
    problems: [],
    texts: new Map()
  }
}

/** The engine has process 'p' in versions 1 and 2, decision 'd' in version 1. */
const ENGINE: EngineDefinitions = {
  api: 'camunda7',
  byId: new Map([
    ['process:p', {versions: ['1', '2'], tenants: ['a']}],
    ['process:gone', {versions: [], tenants: []}],
    ['decision:d', {versions: ['1'], tenants: [null]}]
  ])
}

describe('applyVersionPolicy', () => {
  const loaded = tree([
    report('lacking', 'single_process_report', [{key: 'p', versions: ['2', '3']}]),
    report('present', 'single_process_report', [{key: 'p', versions: ['1']}]),
    report('latest', 'single_process_report', [{key: 'p', versions: ['latest']}]),
    report('unset', 'single_process_report', [{key: 'p'}]),
    report('gone', 'single_process_report', [{key: 'gone', versions: ['1']}]),
    report('decision', 'single_decision_report', [{key: 'd', versions: ['4']}])
  ])

  it('rewrites exactly the definitions pinned to versions the engine lacks, in the tree and the files alike', () => {
    const sent = applyVersionPolicy(loaded, 'all', ENGINE)
    const versions = (tree: LoadedTree): Record<string, unknown> =>
      Object.fromEntries(
        tree.files.map(({entity}) => [
          entity.id,
          (entity as Report & {data: {definitions: {versions?: string[]}[]}}).data.definitions[0]
            .versions
        ])
      )
    expect(versions(sent.loaded)).toEqual({
      lacking: ['all'],
      present: ['1'],
      latest: ['latest'],
      unset: undefined,
      gone: ['1'],
      decision: ['all']
    })
    expect(sent.loaded.tree.reports.map(r => r.entity)).toEqual(
      sent.loaded.files.map(f => f.entity)
    )
    expect(sent.applied).toEqual([
      "version 4 of decision 'd' → all in 1 report",
      "versions 2, 3 of process 'p' (the target lacks 3) → all in 1 report"
    ])
    expect(sent.rewritten).toBe(2)
    expect(versions(loaded).lacking).toEqual(['2', '3'])
  })

  it('keep changes nothing', () => {
    const sent = applyVersionPolicy(loaded, 'keep', ENGINE)
    expect(sent.loaded).toBe(loaded)
    expect(sent.applied).toEqual([])
  })
})

describe('the versions key', () => {
  it('defaults to keep and takes latest or all', () => {
    const {config} = parseEnvironmentConfig(
      'environments:\n  prod:\n    versions: latest\n  test:\n    versions: all\n  dev:\n'
    )
    expect([...(config?.environments.values() ?? [])].map(e => [e.name, e.versions])).toEqual([
      ['prod', 'latest'],
      ['test', 'all'],
      ['dev', 'keep']
    ])
  })
})

describe('servesTenant', () => {
  it('takes a Camunda 7 definition without a tenant as shared by all, and null as <default> in Camunda 8', () => {
    expect(servesTenant('camunda7', {versions: ['1'], tenants: [null]}, 'eu')).toBe(true)
    expect(servesTenant('camunda7', {versions: ['1'], tenants: ['us']}, 'eu')).toBe(false)
    expect(servesTenant('camunda7', {versions: ['1'], tenants: ['us']}, null)).toBe(false)
    expect(servesTenant('camunda8', {versions: ['1'], tenants: ['<default>']}, null)).toBe(true)
    expect(servesTenant('camunda8', {versions: ['1'], tenants: ['<default>']}, 'eu')).toBe(false)
  })
})
