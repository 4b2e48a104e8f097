import {describe, expect, it} from 'vitest'
import {
  driftCheck,
  markDrift,
  nextRecord,
  type ImportRecord,
  type OnDrift
} from '../../src/entities/drift.js'
import type {PlanItem} from '../../src/entities/promotion-plan.js'

const digest = (c: string): string => c.repeat(64)
const record: ImportRecord = {
  formatVersion: 1,
  collectionId: 'prod',
  units: [
    {kind: 'dashboard', name: 'A', digest: digest('a')},
    {kind: 'dashboard', name: 'B', digest: digest('b')},
    {kind: 'dashboard', name: 'Gone', digest: digest('c')}
  ]
}

function item(action: PlanItem['action'], name: string, targetIds: string[] = []): PlanItem {
  return {kind: 'dashboard', action, name, targetIds, reasons: [], changes: []}
}

/** git digests by name, target digests by id; returns the items marked as drifted. */
function mark(
  items: PlanItem[],
  git: Record<string, string>,
  target: Record<string, string>,
  onDrift: OnDrift = 'fail'
): PlanItem[] {
  markDrift(items, {
    record,
    onDrift,
    gitDigest: (_kind, name) => git[name],
    targetDigest: (_kind, id) => target[id]
  })
  return items.filter(item => item.since?.target)
}

describe('markDrift', () => {
  it('tells a change in git from one in the target, both, deletion and a unit made by hand', () => {
    const items = [
      item('replace', 'A', ['t-a']), // git changed, target as recorded
      item('replace', 'B', ['t-b']), // target changed, git as recorded
      item('create', 'Gone'), // deleted in the target
      item('replace', 'New', ['t-new']), // not recorded: made in the target
      item('unchanged', 'Same', ['t-same'])
    ]
    const drifted = mark(
      items,
      {A: digest('1'), B: digest('b'), Gone: digest('c'), New: digest('2')},
      {'t-a': digest('a'), 't-b': digest('9'), 't-new': digest('3')}
    )
    expect(drifted.map(i => i.name)).toEqual(['B', 'Gone', 'New'])
    expect(items.map(i => i.since)).toEqual([
      {git: true},
      {git: false, target: 'edited'},
      {git: false, target: 'deleted'},
      {git: true, target: 'created'},
      undefined
    ])
    expect(items[0].reasons).toEqual(['changed in git since the last import'])
    expect(items[1].reasons).toEqual(['drift: changed in the target since the last import'])
  })

  it('a change in both', () => {
    const items = [item('replace', 'A', ['t-a'])]
    mark(items, {A: digest('1')}, {'t-a': digest('2')})
    expect(items[0].since).toEqual({git: true, target: 'edited'})
    expect(items[0].reasons[0]).toBe(
      'drift: changed in the target and changed in git since the last import'
    )
  })

  it('prune: a unit no import made is no drift, one edited since its import is', () => {
    const items = [
      {...item('delete', 'Unrecorded', ['t-u']), cause: 'prune' as const},
      {...item('delete', 'A', ['t-a']), cause: 'prune' as const}
    ]
    const drifted = mark(items, {}, {'t-u': digest('5'), 't-a': digest('6')})
    expect(drifted.map(i => i.name)).toEqual(['A'])
    expect(items[0].since).toBeUndefined()
  })

  it('skip turns drifted items into skip; overwrite keeps them and says so', () => {
    const skipped = [item('replace', 'B', ['t-b'])]
    mark(skipped, {B: digest('b')}, {'t-b': digest('9')}, 'skip')
    expect(skipped[0].action).toBe('skip')
    const overwritten = [item('replace', 'B', ['t-b'])]
    mark(overwritten, {B: digest('b')}, {'t-b': digest('9')}, 'overwrite')
    expect(overwritten[0].action).toBe('replace')
    expect(overwritten[0].reasons.at(-1)).toMatch(/on-drift: overwrite/)
  })
})

describe('driftCheck', () => {
  it('fails on drift with fail, warns with skip and overwrite', () => {
    const drifted = [
      {...item('replace', 'B', ['t-b']), since: {git: false, target: 'edited' as const}}
    ]
    expect(driftCheck(drifted, {record}, 'fail').status).toBe('failed')
    expect(driftCheck(drifted, {record}, 'skip').status).toBe('warning')
    expect(driftCheck(drifted, {record}, 'overwrite').status).toBe('warning')
    expect(driftCheck([], {record}, 'fail').status).toBe('ok')
  })

  it('without a record: a warning only when import would replace or delete something', () => {
    const missing = {missing: 'no record'}
    expect(driftCheck([item('replace', 'A', ['t'])], missing, 'fail').status).toBe('warning')
    expect(driftCheck([item('create', 'A')], missing, 'fail').status).toBe('ok')
    expect(driftCheck([item('replace', 'A', ['t'])], undefined, 'fail').status).toBe('ok')
  })
})

describe('nextRecord', () => {
  it('records what the target holds by this tool: written, unchanged, skipped as before, kept unmanaged', () => {
    const items = [
      item('replace', 'A', ['t-a']),
      item('skip', 'B', ['t-b']),
      item('unchanged', 'C', ['t-c']),
      {...item('delete', 'D', ['t-d']), cause: 'prune' as const}
    ]
    const next = nextRecord(
      record,
      items,
      [{kind: 'dashboard', name: 'Gone'}],
      (_kind, name) => digest(name === 'A' ? '1' : name === 'C' ? '3' : '0'),
      'prod'
    )
    expect(next).toEqual({
      formatVersion: 1,
      collectionId: 'prod',
      units: [
        {kind: 'dashboard', name: 'A', digest: digest('1')},
        {kind: 'dashboard', name: 'B', digest: digest('b')},
        {kind: 'dashboard', name: 'C', digest: digest('3')},
        {kind: 'dashboard', name: 'Gone', digest: digest('c')}
      ]
    })
  })
})
