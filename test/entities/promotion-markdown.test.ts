import {describe, expect, it} from 'vitest'
import {planDocument} from '../../src/entities/plan-document.js'
import {renderPlanMarkdown} from '../../src/entities/promotion-markdown.js'
import type {PlanBody} from '../../src/entities/promotion-plan.js'

const target = {optimizeUrl: 'https://optimize.test', collectionId: 'prod', prune: false}

function plan(body: PlanBody): string {
  return renderPlanMarkdown(
    planDocument(target, [{check: 'files', status: 'ok', message: 'valid'}], body)
  )
}

describe('renderPlanMarkdown', () => {
  it('folds the reports deleted with the dashboards that used them into a list of names', () => {
    const orphans = ['Cycle time', 'Throughput', 'p75 <duration>'].map((name, i) => ({
      kind: 'report' as const,
      id: `00000000-0000-4000-8000-00000000000${i}`,
      name
    }))
    const markdown = plan({
      items: [
        {
          kind: 'dashboard',
          action: 'replace',
          name: 'Sales',
          file: 'dashboards/sales.json',
          targetIds: ['d1'],
          reasons: ['differs from the file'],
          changes: []
        }
      ],
      orphanedReports: orphans,
      unmanaged: []
    })

    expect(markdown).toContain(
      [
        '<details><summary>3 reports that nothing references any more are deleted after the dashboards that used them</summary>',
        '',
        '- Cycle time (`00000000-0000-4000-8000-000000000000`)',
        '- Throughput (`00000000-0000-4000-8000-000000000001`)',
        '- p75 &lt;duration&gt; (`00000000-0000-4000-8000-000000000002`)',
        '',
        '</details>'
      ].join('\n')
    )
  })

  it('cuts a long list of deleted reports after 50, saying how many more', () => {
    const orphans = Array.from({length: 60}, (_, i) => ({
      kind: 'report' as const,
      id: `id-${String(i).padStart(2, '0')}`,
      name: `Report ${i}`
    }))
    const markdown = plan({items: [], orphanedReports: orphans, unmanaged: []})

    expect(markdown).toContain('- Report 49 (`id-49`)\n- … and 10 more\n\n</details>')
    expect(markdown).not.toContain('Report 50')
  })
})
