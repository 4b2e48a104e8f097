import {configure} from 'safe-stable-stringify'
import {describe, expect, it} from 'vitest'
import {contentHash, toCanonicalJson} from '../../src/entities/canonical-json.js'
import {startEmulator} from '../../emulator/index.js'
import {templateExport} from '../helpers/fixtures.js'

/** The reference writer: what the canonical form is defined as. */
const reference = (value: unknown): string =>
  `${configure({deterministic: true, bigint: false})(value, null, 2)}\n`

describe('toCanonicalJson', () => {
  it('sorts keys by UTF-16 code unit at every level, integer-like keys included', () => {
    const text = toCanonicalJson({b: 1, a: {'10': 1, '2': 2, B: 3, a: 4}, é: 1, Z: [{y: 1, x: 2}]})
    expect(text).toBe(
      '{\n  "Z": [\n    {\n      "x": 2,\n      "y": 1\n    }\n  ],\n  "a": {\n    "10": 1,\n    "2": 2,\n    "B": 3,\n    "a": 4\n  },\n  "b": 1,\n  "é": 1\n}\n'
    )
  })

  it('gives the same bytes whatever the insertion order', () => {
    expect(toCanonicalJson({x: 1, y: {b: [1, 2], a: null}})).toBe(
      toCanonicalJson({y: {a: null, b: [1, 2]}, x: 1})
    )
  })

  it('ends with exactly one newline and uses LF only', () => {
    const text = toCanonicalJson({text: 'line1\r\nline2'})
    expect(text.endsWith('}\n')).toBe(true)
    expect(text).not.toMatch(/\r/)
  })

  it('hashes content, not key order', () => {
    expect(contentHash({a: 1, b: 2})).toBe(contentHash({b: 2, a: 1}))
    expect(contentHash({a: 1})).not.toBe(contentHash({a: 2}))
  })

  it('writes the same bytes as safe-stable-stringify for real and hostile content', async () => {
    const hostile = JSON.parse(
      '{"__proto__":{"x":1},"constructor":"c","a\\u0000b":"\\ud800 lone","\\u2028":"\\u001f\\t\\n","n":[-0,1e21,1.5e-7,null,[],{}],"emoji":"😀","deep":{"é":{"E":{"e":[true,false]}}}}'
    ) as unknown
    const emu = await startEmulator()
    try {
      emu.state.addCollection({id: 'c', name: 'C'})
      const {dashboardIds} = emu.state.generate({
        collectionId: 'c',
        dashboards: 3,
        reportsPerDashboard: 4,
        seed: 3
      })
      const generated = await (
        await fetch(`${emu.url}/api/public/export/dashboard/definition/json`, {
          method: 'POST',
          headers: {authorization: `Bearer ${emu.token}`, 'content-type': 'application/json'},
          body: JSON.stringify(dashboardIds)
        })
      ).json()
      const nestedProto = JSON.parse('{"a":[{"b":1,"__proto__":{"c":2}}]}') as unknown
      for (const value of [
        ...templateExport(),
        generated,
        hostile,
        nestedProto,
        [undefined, 1],
        'text',
        3
      ]) {
        expect(toCanonicalJson(value)).toBe(reference(value))
      }
    } finally {
      await emu.close()
    }
  })
})
