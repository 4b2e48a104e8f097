/**
 * Reads the environments file (input `config`, `.optimize-as-code.yml` by
 * default) from the workspace, never through a symbolic link, and picks the
 * environment input `environment` names. The parsing is
 * entities/environment-config.ts.
 */
import {
  parseEnvironmentConfig,
  type ConfigProblem,
  type EnvironmentConfig,
  type EnvironmentMapping
} from '../entities/environment-config.js'
import {Input} from '../constants.js'
import type {Settings} from '../settings.js'
import {Folder} from './files.js'

/** Larger than any hand-written mapping needs. */
const MAX_CONFIG_BYTES = 1_000_000

export interface ConfigRead {
  /** The file relative to the workspace, as annotations name it. */
  file: string
  /** False when the file does not exist. */
  found: boolean
  config?: EnvironmentConfig
  problems: ConfigProblem[]
}

export function readConfig(settings: Settings): ConfigRead {
  const file = settings.config.relative
  const text = new Folder(settings.workspace).read(file, MAX_CONFIG_BYTES)
  if (text === undefined) return {file, found: false, problems: []}
  return {file, found: true, ...parseEnvironmentConfig(text)}
}

/** "`.optimize-as-code.yml` line 7: environments.prod.tenants: expected …" */
export function describeProblem(file: string, problem: ConfigProblem): string {
  return `\`${file}\`${problem.line ? ` line ${problem.line}` : ''}: ${problem.message}`
}

/**
 * The mapping of input `environment`, or undefined without it. Throws, naming
 * the file (and line), when the file is missing, invalid, or lacks the
 * environment. A config file that exists but is not asked for is not read.
 */
export function environmentMapping(settings: Settings): EnvironmentMapping | undefined {
  const name = settings.environment
  if (!name) return undefined
  const read = readConfig(settings)
  if (!read.found)
    throw new Error(
      `Input '${Input.Environment}' is '${name}', but the config file '${read.file}' does not exist: create it with environments.${name}, or set input '${Input.Config}'.`
    )
  if (!read.config)
    throw new Error(
      `The config file is invalid: ${read.problems.map(p => describeProblem(read.file, p)).join('; ')}`
    )
  const mapping = read.config.environments.get(name)
  if (!mapping) {
    const known = [...read.config.environments.keys()]
    throw new Error(
      `Input '${Input.Environment}' is '${name}', but the config file '${read.file}' has no environment '${name}' (it has ${known.length > 0 ? known.map(k => `'${k}'`).join(', ') : 'none'}).`
    )
  }
  return mapping
}
