import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {actionYml, readmeWithTables} from '../scripts/generate-docs.js'
import {readmeWithSample, renderSamples} from '../scripts/generate-samples.js'
import {Input, Output} from '../src/constants.js'
import {INPUT_DOCS, OUTPUT_DOCS} from '../src/input-docs.js'

const read = (file: string): string => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')

describe('generated documentation', () => {
  it('action.yml is generated from src/input-docs.ts and runs on node24', () => {
    expect(read('action.yml')).toBe(actionYml())
    expect(actionYml()).toMatch(/runs:\n {2}using: node24\n {2}main: dist\/index.js/)
  })

  it('documents every input and output the code knows', () => {
    expect(INPUT_DOCS.map(d => d.name).sort()).toEqual(Object.values(Input).sort())
    expect(OUTPUT_DOCS.map(d => d.name).sort()).toEqual(Object.values(Output).sort())
  })

  it("the README's input and output tables are current", () => {
    const readme = read('README.md')
    expect(readmeWithTables(readme)).toBe(readme)
  })

  it("the README's sample summary and docs/sample-dashboard.svg are what the code produces", async () => {
    const {summary, svg} = await renderSamples()
    const readme = read('README.md')
    expect(readmeWithSample(readme, summary)).toBe(readme)
    expect(read('docs/sample-dashboard.svg')).toBe(svg)
  })
})
