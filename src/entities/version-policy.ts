/**
 * An environment's version policy (environment-config.ts) applied to the
 * reports as mapped, from what the engine behind the target has
 * (engine-definitions.ts): a report definition pinned to explicit versions,
 * some of which the engine lacks, is sent with versions ['latest'] or
 * ['all']. Definitions pinned to versions the engine has, on 'all' or
 * 'latest', or of a key the engine lacks altogether are left as they are,
 * and so is everything with `keep` (the definitions check then names the
 * missing versions). Pure; the files keep their versions, and the plan lists
 * each rewrite among the environment's mappings.
 */
import type {Entity} from '../optimize/schemas.js'
import {definitionId, definitionTypeOf, type DefinitionType} from './collection-file.js'
import type {VersionPolicy} from './environment-config.js'
import {replaceEntities, AppliedMappings, type MappedTree} from './environment-mapping.js'
import type {EngineDefinitions} from './engine-definitions.js'
import type {LoadedTree} from './layout.js'
import {sortedDefinition} from './normalize.js'

/** `applied` holds lines such as "versions 3, 4 of process 'invoice' → latest in 2 reports". */
export interface VersionRewrite extends MappedTree {
  /** Report definitions rewritten. */
  rewritten: number
}

export function applyVersionPolicy(
  loaded: LoadedTree,
  policy: VersionPolicy,
  engine: EngineDefinitions
): VersionRewrite {
  if (policy === 'keep') return {loaded, applied: [], rewritten: 0}
  const uses = new AppliedMappings()
  const replaced = new Map<Entity, Entity>()
  let rewritten = 0
  for (const {entity} of loaded.tree.reports) {
    if (entity.exportEntityType === 'combined_report' || !entity.data.definitions) continue
    const type = definitionTypeOf(entity)
    let changed = false
    const definitions = entity.data.definitions.map(definition => {
      const line = rewriteLine(type, definition, policy, engine)
      if (!line) return definition
      uses.note(line, `report:${entity.id}`)
      changed = true
      rewritten++
      return sortedDefinition({...definition, versions: [policy]})
    })
    if (changed) replaced.set(entity, {...entity, data: {...entity.data, definitions}})
  }
  return {loaded: replaceEntities(loaded, replaced), applied: uses.lines(), rewritten}
}

/** The mapping line when the policy rewrites this definition, else undefined. */
function rewriteLine(
  type: DefinitionType,
  definition: {key: string; versions?: string[]},
  policy: Exclude<VersionPolicy, 'keep'>,
  engine: EngineDefinitions
): string | undefined {
  const pinned = definition.versions ?? ['all']
  if (pinned.length === 0 || pinned.some(v => /^(all|latest)$/i.test(v))) return undefined
  const has = engine.byId.get(definitionId(type, definition.key))?.versions ?? []
  if (has.length === 0) return undefined
  const lacking = pinned.filter(v => !has.includes(v))
  if (lacking.length === 0) return undefined
  const versions = `${pinned.length === 1 ? 'version' : 'versions'} ${pinned.join(', ')}`
  const partly = lacking.length < pinned.length ? ` (the target lacks ${lacking.join(', ')})` : ''
  return `${versions} of ${type} '${definition.key}'${partly} → ${policy}`
}
