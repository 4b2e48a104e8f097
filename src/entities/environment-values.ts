/**
 * With an environment: where each definition key and tenant the reports use
 * in the target came from (their files, and the source values the mapping
 * renamed to it), so that a value the target does not know fails the plan
 * with the files, the value, the environment and the config entry to add or
 * correct. Pure; promotion-definitions.ts asks it for the messages.
 */
import {
  definitionId,
  definitionTypeOf,
  describeTenant,
  type DefinitionType
} from './collection-file.js'
import type {EnvironmentMapping} from './environment-config.js'
import {targetKey, targetTenant} from './environment-mapping.js'
import type {EntityFile} from './layout.js'
import {compareStrings} from './normalize.js'
import type {Lacking, UnknownValues} from './promotion-definitions.js'

/** Files named in a message; the rest are counted. */
const MAX_FILES = 3

interface Origin {
  /** Entity files, relative to `path`. */
  files: Set<string>
  /** The source values the files hold (the value itself when it is not mapped). */
  sources: Set<string | null>
}

export class EnvironmentValues implements UnknownValues {
  readonly #keys = new Map<string, Origin>()
  readonly #tenants = new Map<string, Origin>()

  /**
   * @param files the entity files as read (the source's values)
   * @param configFile the config file as messages name it
   * @param fileName an entity file (relative to `path`) as messages name it
   */
  constructor(
    readonly mapping: EnvironmentMapping,
    files: readonly EntityFile[],
    readonly configFile: string,
    private readonly fileName: (file: string) => string
  ) {
    for (const {file, entity} of files) {
      if (entity.exportEntityType === 'dashboard' || entity.exportEntityType === 'combined_report')
        continue
      const type = definitionTypeOf(entity)
      for (const definition of entity.data.definitions ?? []) {
        const key = targetKey(mapping, definition.key)
        note(this.#keys, definitionId(type, key), file, definition.key)
        for (const tenant of definition.tenantIds ?? [null])
          note(this.#tenants, tenantId(type, key, targetTenant(mapping, tenant)), file, tenant)
      }
    }
  }

  key(type: DefinitionType, key: string, where: Lacking): string {
    return this.#unknown(where, this.#keys.get(definitionId(type, key)), {
      subject: `${type} definition '${key}'`,
      value: key,
      isMapped: source => source !== null && this.mapping.definitions.has(source),
      entry: 'definitions',
      example: `${key}: the key in ${this.mapping.name}`,
      it: 'it'
    })
  }

  tenant(type: DefinitionType, key: string, tenant: string | null, where: Lacking): string {
    return this.#unknown(where, this.#tenants.get(tenantId(type, key, tenant)), {
      subject: `tenant ${describeTenant(tenant)} of ${type} definition '${key}'`,
      value: tenant,
      isMapped: source => this.mapping.tenants.has(source),
      entry: 'tenants',
      example: `${tenant ?? '~'}: the tenant in ${this.mapping.name}`,
      it: 'the tenant'
    })
  }

  /** The keep policy's hint for a failed versions check. */
  versionsHint(): string {
    return `environments.${this.mapping.name}.versions in \`${this.configFile}\` is keep; latest or all would send these reports with the latest or all versions instead`
  }

  /**
   * The message for a value the target lacks: the files that have it, the
   * mapped source values that became it, and what to add or correct.
   */
  #unknown(where: Lacking, origin: Origin | undefined, unknown: UnknownValue): string {
    const sources = [...(origin?.sources ?? [])]
    const from = sources
      .filter(unknown.isMapped)
      .map(describeTenant)
      .sort(compareStrings)
      .join(', ')
    const unmapped =
      sources.some(source => source === unknown.value && !unknown.isMapped(source)) || !origin
    const entry = `environments.${this.mapping.name}.${unknown.entry} in \`${this.configFile}\``
    const subject = from ? `${unknown.subject} (mapped from ${from} by ${entry})` : unknown.subject
    const advice = [
      ...(unmapped ? [`it is not mapped; add it to ${entry} (${unknown.example})`] : []),
      ...(from ? ['correct that mapping'] : []),
      ...(where === 'scope'
        ? [`or, if the target has ${unknown.it}, add it to the collection's data sources`]
        : [])
    ]
    const files = [...(origin?.files ?? [])].sort(compareStrings).map(this.fileName)
    const named =
      files.length > MAX_FILES
        ? `${files.slice(0, MAX_FILES).join(', ')} and ${files.length - MAX_FILES} more`
        : files.join(', ')
    const lacking =
      where === 'engine' ? 'not in the engine behind it' : "not in the collection's data sources"
    return `${subject} in ${named} is unknown to the target of environment '${this.mapping.name}' (${lacking}): ${advice.join('; ')}`
  }
}

/** A definition key or tenant the target lacks, as a message names it. */
interface UnknownValue {
  subject: string
  value: string | null
  /** Whether a source value is one the mapping renames. */
  isMapped: (source: string | null) => boolean
  /** The part of the environment's mapping that renames such values. */
  entry: 'definitions' | 'tenants'
  /** An entry to add, as the config file writes it. */
  example: string
  /** How the advice to add it to the data sources refers to the value. */
  it: string
}

function note(origins: Map<string, Origin>, id: string, file: string, source: string | null): void {
  const origin = origins.get(id) ?? {files: new Set<string>(), sources: new Set<string | null>()}
  origin.files.add(file)
  origin.sources.add(source)
  origins.set(id, origin)
}

function tenantId(type: DefinitionType, key: string, tenant: string | null): string {
  return JSON.stringify([type, key, tenant])
}
