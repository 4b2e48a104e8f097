import {describe, expect, it} from 'vitest'
import {toCanonicalJson} from '../../src/entities/canonical-json.js'

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
})
