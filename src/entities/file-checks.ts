/**
 * Pure: the offline checks of `validate` (and the first prerequisite of `plan`
 * and `import`). They mirror what Optimize's import refuses (optimize-api.md
 * §4.1 steps 5–9) plus the rules identity by name needs. Every problem names
 * its file and, where it can, the line of the offending value.
 */
import {
  EntityTypes,
  INDEX_VERSIONS,
  REPORT_ID_PATTERN,
  TYPE_WORDS,
  hasDescriptions,
  isDashboard
} from '../optimize/schemas.js'
import {coverageProblems} from './collection-file.js'
import type {EntityFile, LoadedTree, TreeProblem} from './layout.js'
import {compareStrings, groupBy} from './normalize.js'
import {referencedIds} from './promotion-compare.js'

/** Optimize accepts null or 1–400 characters; "" is refused (§4.1 step 9a). */
export const MAX_DESCRIPTION_LENGTH = 400

/** Every problem of a tree read from disk, sorted by file and line. */
export function checkTree(loaded: LoadedTree): TreeProblem[] {
  const problems: TreeProblem[] = [...loaded.problems]
  const files = loaded.files
  const at = (file: EntityFile, path: (string | number)[], message: string): void => {
    problems.push({file: file.file, ...file.document.locate(path), message})
  }

  checkIds(files, at)
  checkReferences(files, at)
  checkNames(files, at)
  for (const file of files) checkEntity(file, at)
  checkIndexVersions(files, at)
  if (loaded.collection) problems.push(...coverageProblems(files, loaded.collection))

  return problems.sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compareStrings(a.message, b.message)
  )
}

type At = (file: EntityFile, path: (string | number)[], message: string) => void

function checkIds(files: EntityFile[], at: At): void {
  for (const [id, owners] of groupBy(files, file => file.entity.id)) {
    if (owners.length < 2) continue
    for (const file of owners) {
      const others = owners.filter(o => o !== file).map(o => o.file)
      at(file, ['id'], `id '${id}' is also used by ${others.join(', ')}; ids must be unique`)
    }
  }
}

/** Optimize's completeness check (§4.1 step 5), before the server sees the files. */
function checkReferences(files: EntityFile[], at: At): void {
  const reportIds = new Set(files.filter(f => !isDashboard(f.entity)).map(f => f.entity.id))
  for (const file of files) {
    const entity = file.entity
    if (isDashboard(entity)) {
      entity.tiles.forEach((tile, i) => {
        if (REPORT_ID_PATTERN.test(tile.id) && !reportIds.has(tile.id))
          at(
            file,
            ['tiles', i, 'id'],
            `tile ${i + 1} shows report '${tile.id}', which is not in the folder`
          )
        if (tile.type === 'optimize_report' && !REPORT_ID_PATTERN.test(tile.id))
          at(
            file,
            ['tiles', i, 'id'],
            `tile ${i + 1} is a report tile but its id '${tile.id}' is not a lower-case UUID, so Optimize would not link it`
          )
      })
    } else if (entity.exportEntityType === 'combined_report') {
      entity.data.reports.forEach((child, i) => {
        if (!reportIds.has(child.id))
          at(
            file,
            ['data', 'reports', i, 'id'],
            `combined report part ${i + 1} is report '${child.id}', which is not in the folder`
          )
      })
    }
  }
}

/**
 * Dashboards are identified by name in the target, so names must be unique;
 * standalone reports likewise. Reports on dashboards may share names: they are
 * identified through their dashboard.
 */
function checkNames(files: EntityFile[], at: At): void {
  const referenced = new Set(files.flatMap(f => referencedIds(f.entity)))
  const groups = [
    {label: 'dashboard', members: files.filter(f => isDashboard(f.entity))},
    {
      label: 'standalone report (on no dashboard)',
      members: files.filter(f => !isDashboard(f.entity) && !referenced.has(f.entity.id))
    }
  ]
  for (const {label, members} of groups) {
    for (const [name, owners] of groupBy(members, file => file.entity.name)) {
      if (owners.length < 2) continue
      for (const file of owners) {
        const others = owners.filter(o => o !== file).map(o => o.file)
        at(
          file,
          ['name'],
          `${label} name '${name}' is also used by ${others.join(', ')}; the target identifies them by name, so names must be unique`
        )
      }
    }
  }
}

function checkEntity(file: EntityFile, at: At): void {
  const entity = file.entity
  const description = entity.description
  const version = entity.sourceIndexVersion
  if (
    description !== null &&
    description !== undefined &&
    typeof version === 'number' &&
    !hasDescriptions(entity.exportEntityType, version)
  )
    at(
      file,
      ['description'],
      `has a description, but Optimize before 3.11 (index ${version}) has none: it would drop it on import and the import would fail verification; remove it (or set it to null)`
    )
  else if (description === '')
    at(
      file,
      ['description'],
      'description is empty; Optimize refuses "" (use null for no description)'
    )
  else if (typeof description === 'string' && description.length > MAX_DESCRIPTION_LENGTH)
    at(
      file,
      ['description'],
      `description has ${description.length} characters; Optimize accepts at most ${MAX_DESCRIPTION_LENGTH}`
    )

  if (isDashboard(entity)) {
    if (entity.instantPreviewDashboard === true)
      at(
        file,
        ['instantPreviewDashboard'],
        'is an instant-preview dashboard; Optimize refuses to import those'
      )
    return
  }
  if (entity.exportEntityType === 'combined_report') return
  const data = entity.data as Record<string, unknown>
  if (data.instantPreviewReport === true)
    at(
      file,
      ['data', 'instantPreviewReport'],
      'is an instant-preview report; Optimize refuses to import those'
    )
  for (const flag of ['managementReport', 'agenticControlReport']) {
    if (data[flag] === true)
      at(file, ['data', flag], `is a management report (${flag}); Optimize refuses to import those`)
  }
}

/** All entities of a type must carry the same, known `sourceIndexVersion` (§3.4). */
function checkIndexVersions(files: EntityFile[], at: At): void {
  for (const type of EntityTypes) {
    const ofType = files.filter(f => f.entity.exportEntityType === type)
    const byVersion = groupBy(ofType, file => file.entity.sourceIndexVersion ?? null)
    const known: number[] = Object.values(INDEX_VERSIONS).map(versions => versions[type])
    // The most common version is the reference; the others are the odd ones out.
    const ranked = [...byVersion].sort(
      (a, b) => b[1].length - a[1].length || (b[0] ?? 0) - (a[0] ?? 0)
    )
    const [majority] = ranked
    for (const [version, owners] of ranked) {
      // One version's problems are those of each file that carries it.
      const messages: string[] = []
      if (version === null) {
        messages.push(
          'sourceIndexVersion is missing; Optimize reads it as 0 and refuses the import'
        )
      } else {
        if (!known.includes(version))
          messages.push(
            `sourceIndexVersion ${version} is not one Optimize uses for ${TYPE_WORDS[type]}s (known: ${known.join(', ')})`
          )
        if (majority && version !== majority[0] && majority[0] !== null)
          messages.push(
            `sourceIndexVersion ${version} differs from the other ${TYPE_WORDS[type]}s (${majority[0]} in ${majority[1].length} files); export all files from one Optimize version`
          )
      }
      for (const file of owners)
        for (const message of messages) at(file, ['sourceIndexVersion'], message)
    }
  }
}
