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

  it('takes text as JSON.stringify prints it, and still refuses forbidden keys in it', () => {
    const printed = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`
    expect(
      parseJsonDocument(printed({name: 'constructor', a: [{b: '__proto__'}]})).problems
    ).toEqual([])
    const forbidden = parseJsonDocument(printed({data: {constructor: 1}}))
    expect(forbidden.problems).toEqual([
      {line: 3, column: 5, message: 'forbidden key "constructor"'}
    ])
    // One property more than the printed form shows: a repeated key.
    const repeated = printed({a: 1, b: 2}).replace('"b": 2', '"b": 2,\n  "a": 3')
    expect(parseJsonDocument(repeated).problems).toEqual([
      {line: 4, column: 3, message: 'duplicate key "a"'}
    ])
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
