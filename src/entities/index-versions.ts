/**
 * Pure: which index versions the target expects and whether the files carry
 * them. Optimize refuses an import unless every entity's `sourceIndexVersion`
 * equals the target's index version for its type (optimize-api.md §3.4), so
 * the plan checks it first and explains a mismatch in words.
 */
import {
  EntityTypes,
  INDEX_VERSIONS,
  TYPE_WORDS,
  type Entity,
  type EntityType,
  type IndexVersions,
  type OptimizeLine
} from '../optimize/schemas.js'

export interface TargetIndexVersions {
  /** Per type; missing when nothing tells. */
  versions: Partial<IndexVersions>
  /** Where they come from, in words, for the plan. */
  source: string
  /** A doubt worth a warning (e.g. 'optimize-version' contradicts the target). */
  warning?: string
}

/**
 * The Optimize line of a version string, Optimize's own ('3.10', '8.6') or
 * Camunda 8's: Camunda 8.0-8.2 shipped Optimize 3.8-3.10 (inferred from the
 * release dates, as in the emulator), 8.3-8.5 shipped 3.11-3.13.
 */
export function generationOf(version: string): OptimizeLine | undefined {
  const [major, minor] = version.split('.').map(Number)
  if (major >= 9 || (major === 8 && minor >= 3) || (major === 3 && minor >= 11)) return '3.11+'
  if ((major === 8 && minor === 2) || (major === 3 && minor === 10)) return '3.10'
  if ((major === 8 && minor <= 1) || (major === 3 && (minor === 8 || minor === 9))) return '3.8-3.9'
  if (major === 3 && minor === 7) return '3.7'
  return undefined
}

/**
 * Learns the target's index versions from entities it exported (they carry its
 * current versions), completed from the generation they belong to, or from
 * `optimizeVersion` when the target has nothing to export.
 */
export function targetIndexVersions(
  exported: readonly Entity[],
  optimizeVersion?: string
): TargetIndexVersions {
  const observed: Partial<IndexVersions> = {}
  for (const entity of exported) {
    if (typeof entity.sourceIndexVersion === 'number')
      observed[entity.exportEntityType] ??= entity.sourceIndexVersion
  }
  const configured = optimizeVersion ? generationOf(optimizeVersion) : undefined
  const types = Object.keys(observed) as EntityType[]
  if (types.length > 0) {
    const generation = (Object.keys(INDEX_VERSIONS) as OptimizeLine[]).find(g =>
      types.every(type => INDEX_VERSIONS[g][type] === observed[type])
    )
    const versions = {...(generation ? INDEX_VERSIONS[generation] : {}), ...observed}
    const warning =
      configured && generation && configured !== generation
        ? `'optimize-version' ${optimizeVersion} does not match the index versions the target exports (those of Optimize ${generation}); the target's own versions are used`
        : undefined
    return {versions, source: 'learned from entities the target exported', warning}
  }
  if (configured) {
    return {
      versions: INDEX_VERSIONS[configured],
      source: `from 'optimize-version' ${optimizeVersion}`
    }
  }
  return {
    versions: {},
    source: optimizeVersion
      ? `unknown: the collection is empty and the index versions of Optimize ${optimizeVersion} are not known`
      : "unknown: the collection is empty and 'optimize-version' is not set"
  }
}

/** One sentence per entity type whose files carry another version than the target expects. */
export function indexVersionMismatches(
  files: readonly Entity[],
  target: Partial<IndexVersions>
): string[] {
  const messages: string[] = []
  for (const type of EntityTypes) {
    const expected = target[type]
    if (expected === undefined) continue
    const versions = new Set(
      files.filter(f => f.exportEntityType === type).map(f => f.sourceIndexVersion ?? 0)
    )
    for (const version of [...versions].sort((a, b) => a - b)) {
      if (version !== expected)
        messages.push(
          `files were exported from Optimize with ${TYPE_WORDS[type]} index ${version}, the target expects ${expected}`
        )
    }
  }
  return messages
}

/**
 * The dashboard index version the target expects: its own when known, else
 * that of the files' dashboards, else that of the Optimize line the other
 * versions (the target's, then the files') belong to.
 */
export function expectedDashboardIndex(
  target: Partial<IndexVersions>,
  files: readonly Entity[]
): number | undefined {
  if (target.dashboard !== undefined) return target.dashboard
  const dashboard = files.find(f => f.exportEntityType === 'dashboard')?.sourceIndexVersion
  if (typeof dashboard === 'number') return dashboard
  const observed: Partial<IndexVersions> = {...target}
  for (const file of files)
    if (typeof file.sourceIndexVersion === 'number')
      observed[file.exportEntityType] ??= file.sourceIndexVersion
  const types = Object.keys(observed) as EntityType[]
  if (types.length === 0) return undefined
  const line = (Object.keys(INDEX_VERSIONS) as OptimizeLine[]).find(l =>
    types.every(type => INDEX_VERSIONS[l][type] === observed[type])
  )
  return line ? INDEX_VERSIONS[line].dashboard : undefined
}
