/**
 * What the command line prints on stdout, for each form. The summaries below
 * have the shapes the commands write (export, plan, validate); export-data's
 * comes from its own renderer.
 */
import {describe, expect, it} from 'vitest'
import {resultText, summaryOpening} from '../src/cli-results.js'
import {renderDataSummary} from '../src/data/manifest.js'

const EXPORT = [
  '## Optimize export',
  '',
  'Exported **2** dashboards and **5** reports into `optimize`.',
  '',
  '> [!WARNING]',
  '> Dashboard d9 was not exported.',
  '',
  '## What changed',
  '',
  '**Dashboards:** 2 added · **Reports:** 5 added',
  '',
  '_One line per dashboard and report: the full list is longer than 60000 characters._',
  '',
  '### Dashboards',
  '',
  '- **Sales \\*overview\\*** — added, 3 tiles',
  '',
  '<details><summary>2 exported dashboards</summary>',
  '',
  '| Dashboard | Reports |',
  '| --- | --- |',
  '| Sales | 3 |',
  '',
  '</details>',
  ''
].join('\n')

const PLAN = [
  '### 📝 Optimize plan for collection `prod`: 1 to create, 0 to replace, 0 to delete, 2 unchanged',
  '',
  '**Prerequisites**',
  '',
  '- ✅ **files**: 3 dashboards and 7 reports in optimize are valid',
  '',
  '| Action | Kind | Name | File | Details |',
  '| --- | --- | --- | --- | --- |',
  '| create | dashboard | Sales | `dashboards/sales.json` | |',
  ''
].join('\n')

const VALIDATE_FAILED = [
  '### ❌ Validation failed: 1 problem',
  '',
  'Checked 2 dashboards and 5 reports in `optimize`.',
  '',
  '| File | Line | Problem |',
  '| --- | --- | --- |',
  '| `optimize/dashboards/a.json` | 1 | not valid JSON |',
  ''
].join('\n')

describe("a summary's opening", () => {
  it('keeps the title and the sentences under it; drops lists, tables, folded parts and notes', () => {
    expect(summaryOpening(EXPORT)).toBe(
      [
        'Optimize export',
        'Exported 2 dashboards and 5 reports into optimize.',
        'What changed',
        'Dashboards: 2 added · Reports: 5 added'
      ].join('\n')
    )
    expect(summaryOpening(PLAN)).toBe(
      '📝 Optimize plan for collection prod: 1 to create, 0 to replace, 0 to delete, 2 unchanged'
    )
    expect(summaryOpening(VALIDATE_FAILED)).toBe(
      '❌ Validation failed: 1 problem\nChecked 2 dashboards and 5 reports in optimize.'
    )
    const data = renderDataSummary(
      [
        {
          reportId: 'r1',
          file: 'r1.ndjson',
          format: 'ndjson',
          records: 3,
          sha256: 'ab'.repeat(32),
          bytes: 9
        }
      ],
      'data'
    )
    expect(summaryOpening(data)).toBe('Report data exported to data')
  })

  it('takes off escapes and entities as well as marks', () => {
    expect(summaryOpening('## A \\*starred\\* \\`name\\` &lt;b&gt; &amp; **bold**')).toBe(
      'A *starred* `name` <b> & bold'
    )
  })
})

describe('the results on stdout', () => {
  const outputs = {
    changed: 'true',
    files: JSON.stringify(Array.from({length: 30}, (_, i) => `optimize/reports/report-${i}.json`)),
    'commit-sha': 'abc123'
  }

  it('text: one line per output, a long list as its count, then the opening of the summary', () => {
    expect(resultText({...outputs, summary: EXPORT}, EXPORT, 'text')).toBe(
      [
        'changed: true',
        'files: 30 entries (--json lists them)',
        'commit-sha: abc123',
        '',
        'Optimize export',
        'Exported 2 dashboards and 5 reports into optimize.',
        'What changed',
        'Dashboards: 2 added · Reports: 5 added',
        ''
      ].join('\n')
    )
    expect(resultText({files: '["optimize/a.json"]'}, '', 'text')).toBe(
      'files: ["optimize/a.json"]\n'
    )
    expect(resultText({}, '', 'text')).toBe('')
  })

  it('json: one object of every output and the summary given, on one line', () => {
    const text = resultText({...outputs, summary: 'the unrenamed one'}, EXPORT, 'json')
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.trimEnd()).not.toContain('\n')
    expect(JSON.parse(text)).toEqual({...outputs, summary: EXPORT})
  })

  it('summary: the Markdown alone', () => {
    expect(resultText(outputs, EXPORT, 'summary')).toBe(EXPORT)
    expect(resultText(outputs, '### ✅ Validation passed', 'summary')).toBe(
      '### ✅ Validation passed\n'
    )
  })
})
