/** The README's reliability table is the fault matrix, rendered; drift fails the tests. */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {
  checkReadme,
  readmeWithReliability,
  reliabilityTable
} from '../../scripts/reliability-table.js'
import {MATRIX, rowTitle} from './matrix.js'

const README = new URL('../../README.md', import.meta.url)

describe('the README reliability section', () => {
  it('matches the fault matrix (run `npx tsx scripts/reliability-table.ts` when this fails)', async () => {
    expect(await checkReadme(readFileSync(README, 'utf8'))).toBeUndefined()
  })

  it('has one table row per matrix row, and the check notices a changed row', async () => {
    expect(reliabilityTable().split('\n')).toHaveLength(MATRIX.length + 2)
    const current = await readmeWithReliability(readFileSync(README, 'utf8'))
    expect(await checkReadme(current)).toBeUndefined()
    const drifted = current.replace('retried, succeeds', 'retried, usually succeeds')
    expect(await checkReadme(drifted)).toMatch(
      /out of date: run 'npx tsx scripts\/reliability-table\.ts'/
    )
  })

  it('appends the section with its markers when the README has none', async () => {
    const readme = await readmeWithReliability('# Title\n')
    expect(readme).toMatch(
      /^# Title\n\n## Reliability\n\n<!-- start reliability -->[\s\S]*<!-- end reliability -->\n$/
    )
    expect(await readmeWithReliability(readme)).toBe(readme)
  })

  it('names every row uniquely, so test titles and table rows map one to one', () => {
    const titles = MATRIX.map(rowTitle)
    expect(new Set(titles).size).toBe(titles.length)
  })
})
