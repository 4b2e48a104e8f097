/**
 * Pure: the plan as Markdown, for the job summary and the pull-request
 * comment. Deterministic: the same plan gives the same text.
 */
import {describeSource} from './collection-file.js'
import {escapeMarkdown} from './markdown.js'
import type {PlanDocument, PrerequisiteStatus} from './plan-document.js'
import type {PlanItem} from './promotion-plan.js'

const STATUS_ICONS: Record<PrerequisiteStatus, string> = {
  ok: '✅',
  failed: '❌',
  warning: '⚠️',
  skipped: '➖'
}

const ACTION_WORDS: Record<PlanItem['action'], string> = {
  create: '🆕 create',
  replace: '🔁 replace',
  delete: '🗑️ delete',
  skip: '⏸️ skip (drift)',
  unchanged: 'unchanged'
}

/** Longest list of unchanged, unmanaged or orphaned entities shown before it is cut. */
const MAX_LISTED = 50

export function renderPlanMarkdown(plan: PlanDocument, options: {title?: string} = {}): string {
  const {counts} = plan
  const lines: string[] = []
  const title = options.title ?? 'Optimize plan'
  const failed = plan.prerequisites.some(p => p.status === 'failed')
  const skipped = counts.skip ? `, ${counts.skip} skipped (drift)` : ''
  const totals = `${counts.create} to create, ${counts.replace} to replace, ${counts.delete} to delete, ${counts.unchanged} unchanged${skipped}`
  const collection =
    plan.collectionId === null
      ? `'${escapeMarkdown(plan.collectionName ?? '')}'`
      : `\`${plan.collectionId}\``
  lines.push(
    `### ${failed ? '❌' : plan.hasChanges ? '📝' : '✅'} ${title} for collection ${collection}: ${totals}`,
    ''
  )

  lines.push('**Prerequisites**', '')
  for (const p of plan.prerequisites)
    lines.push(`- ${STATUS_ICONS[p.status]} **${p.check}**: ${escapeMarkdown(p.message)}`)
  lines.push('')

  lines.push(...environmentLines(plan))
  lines.push(...collectionLines(plan))
  const items = plan.items ?? []
  const changing = items.filter(i => i.action !== 'unchanged')
  if (changing.length > 0) {
    lines.push('| Action | Kind | Name | File | Details |', '| --- | --- | --- | --- | --- |')
    for (const item of changing) {
      const details = [...item.reasons, ...item.changes.map(c => `• ${c}`)]
      if (item.targetIds.length) details.push(`target: ${item.targetIds.join(', ')}`)
      lines.push(
        `| ${ACTION_WORDS[item.action]} | ${item.kind} | ${escapeMarkdown(item.name)} | ${item.file ? `\`${item.file}\`` : ''} | ${details.map(escapeMarkdown).join('<br>')} |`
      )
    }
    lines.push('')
  } else if (plan.items) {
    lines.push('Nothing to create, replace or delete.', '')
  }

  const orphaned = plan.orphanedReports ?? []
  const unchanged = items.filter(i => i.action === 'unchanged')
  const unmanaged = plan.unmanaged ?? []
  lines.push(
    ...folded(
      `${orphaned.length} reports that nothing references any more are deleted after the dashboards that used them`,
      orphaned.map(r => `- ${escapeMarkdown(r.name)} (\`${r.id}\`)`)
    ),
    ...folded(
      `${unchanged.length} unchanged (ids stay)`,
      unchanged.map(i => `- ${i.kind} ${escapeMarkdown(i.name)} (\`${i.targetIds[0]}\`)`)
    ),
    ...folded(
      `${unmanaged.length} in the collection but not in git (kept; set prune to delete them)`,
      unmanaged.map(r => `- ${r.kind} ${escapeMarkdown(r.name)} (\`${r.id}\`)`)
    )
  )
  return `${lines.join('\n').trimEnd()}\n`
}

/** The environment whose mapping the plan applied, and each mapping. */
function environmentLines(plan: PlanDocument): string[] {
  const environment = plan.environment
  if (!environment) return []
  const lines = [`**Environment** \`${escapeMarkdown(environment.name)}\``, '']
  for (const mapping of environment.mappings) lines.push(`- 🔀 ${escapeMarkdown(mapping)}`)
  if (environment.mappings.length === 0)
    lines.push('- no tenant or definition of the files is mapped in this environment')
  lines.push('')
  return lines
}

/** What import does to the collection itself (manage-collection), before any entity. */
function collectionLines(plan: PlanDocument): string[] {
  const part = plan.collection
  if (!part) return []
  const lines = ['**Collection**', '']
  if (part.create)
    lines.push(
      `- 🆕 create collection '${escapeMarkdown(part.name)}' (owner \`${escapeMarkdown(part.owner ?? '')}\`)`
    )
  for (const source of part.addDataSources)
    lines.push(`- ➕ add data source ${escapeMarkdown(describeSource(source))}`)
  if (!part.create && part.addDataSources.length === 0)
    lines.push(`- '${escapeMarkdown(part.name)}' has every data source the files need`)
  lines.push('')
  return lines
}

/** A folded list, cut after MAX_LISTED lines; nothing when the list is empty. */
function folded(summary: string, lines: string[]): string[] {
  if (lines.length === 0) return []
  const shown =
    lines.length <= MAX_LISTED
      ? lines
      : [...lines.slice(0, MAX_LISTED), `- … and ${lines.length - MAX_LISTED} more`]
  return [`<details><summary>${summary}</summary>`, '', ...shown, '', '</details>', '']
}
