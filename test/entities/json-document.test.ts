import {describe, expect, it} from 'vitest'
import {parseJsonDocument} from '../../src/entities/json-document.js'

describe('parseJsonDocument', () => {
  it('parses valid JSON into plain objects', () => {
    const doc = parseJsonDocument('{"a": [1, {"b": null}]}')
    expect(doc.problems).toEqual([])
    expect(doc.value).toEqual({a: [1, {b: null}]})
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype)
  })

  it('reports syntax errors with line and column', () => {
    const doc = parseJsonDocument('{\n  "a": 1,\n  "b": \n}')
    expect(doc.value).toBeUndefined()
    expect(doc.problems[0]).toMatchObject({line: 4, column: 1})
    expect(doc.problems[0].message).toMatch(/invalid JSON: value expected/)
  })

  it('reports duplicate keys at the second occurrence', () => {
    const doc = parseJsonDocument('{\n  "name": "a",\n  "name": "b"\n}')
    expect(doc.problems).toEqual([{line: 3, column: 3, message: 'duplicate key "name"'}])
    expect(doc.value).toBeUndefined()
  })

  it('refuses prototype-polluting keys at any depth', () => {
    const doc = parseJsonDocument(
      '{"data": {"__proto__": {"polluted": true}}, "x": {"constructor": 1}}'
    )
    expect(doc.problems.map(p => p.message)).toEqual([
      'forbidden key "__proto__"',
      'forbidden key "constructor"'
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('finds repeated and forbidden keys however the text is written', () => {
    const problems = (text: string): string[] =>
      parseJsonDocument(text).problems.map(p => `${p.line}:${p.column} ${p.message}`)
    // Printed as the action writes files; names only as values are fine.
    const printed = `${JSON.stringify({name: 'constructor', a: [{b: '__proto__'}]}, null, 2)}\n`
    expect(problems(printed)).toEqual([])
    expect(problems(`${JSON.stringify({data: {constructor: 1}}, null, 2)}\n`)).toEqual([
      '3:5 forbidden key "constructor"'
    ])
    // Space before the colon, escaped names, backslashes ending a key, values that start with ':'.
    expect(problems('{"a" : 1,\n "a": 2}')).toEqual(['2:2 duplicate key "a"'])
    expect(problems('{"\\u0061": 1, "a": 2}')).toEqual(['1:15 duplicate key "a"'])
    expect(problems('{"x": {"\\u005f_proto__": 1}}')).toEqual(['1:8 forbidden key "__proto__"'])
    expect(problems('{"x\\\\": 1, "a": 2, "a": 3}')).toEqual(['1:20 duplicate key "a"'])
    expect(problems('{"a": ":1", "b": " :2", "c": "\\":"}')).toEqual([])
    expect(problems('{"a": ":1", "a": 2}')).toEqual(['1:13 duplicate key "a"'])
  })

  it('finds a repeated key wherever it is and whatever the values around it hold', () => {
    const problems = (text: string): string[] =>
      parseJsonDocument(text).problems.map(p => `${p.line}:${p.column} ${p.message}`)
    // The first value, dropped by JSON.parse, holds keys of its own.
    expect(problems('{"a": {"b": 1, "c": 2}, "a": 3}')).toEqual(['1:25 duplicate key "a"'])
    expect(problems('[{"k": 1}, {"k": 1, "k": 2}]')).toEqual(['1:21 duplicate key "k"'])
    // An integer-like key, which JSON.parse moves to the front of its object.
    expect(problems('{"b": {"x": 1}, "2": {"x": 1, "x": 2}}')).toEqual(['1:31 duplicate key "x"'])
    // Quotes, colons and backslashes inside strings are not keys.
    expect(problems('{"a": "\\"b\\": 1", "b": {"c": "x\\\\"}, "d": "\\\\\\":"}')).toEqual([])
    expect(problems('{"s": "x\\\\", "s": 1}')).toEqual(['1:14 duplicate key "s"'])
    expect(problems('{"a": "\\"", "a": 1}')).toEqual(['1:13 duplicate key "a"'])
    // Any depth: the check is not recursive.
    const deep = `${'{"a": ['.repeat(100_000)}1${']}'.repeat(100_000)}`
    expect(parseJsonDocument(deep).problems).toEqual([])
  })

  it('refuses comments and trailing commas, which Optimize files never have', () => {
    expect(parseJsonDocument('{"a": 1, // c\n}').problems.length).toBeGreaterThan(0)
    expect(parseJsonDocument('[1, 2,]').problems.length).toBeGreaterThan(0)
  })

  it('locates a JSON path, falling back to the nearest existing parent', () => {
    const doc = parseJsonDocument('{\n  "tiles": [\n    {"id": "x"}\n  ]\n}')
    expect(doc.locate(['tiles', 0, 'id'])).toEqual({line: 3, column: 6})
    expect(doc.locate(['tiles', 0, 'missing'])).toEqual({line: 3, column: 5})
  })
})
