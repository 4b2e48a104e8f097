/**
 * The environments file, `.optimize-as-code.yml` at the repository root: per
 * environment, how the source's tenants and definition keys are named in
 * that environment. Pure: text in, the config or its problems (with lines)
 * out.
 *
 *   environments:
 *     prod:
 *       tenants:            # source tenant → target tenant
 *         dev-eu: prod-eu
 *         ~: prod-default   # ~ (null) is the default tenant, as key or value
 *       definitions:        # source definition key → target key
 *         invoice-dev: invoice
 *       versions: latest    # reports pinned to versions the target lacks: keep, latest or all
 *
 * Unknown keys, duplicate keys, and values that are no tenant id or
 * definition key are problems, each at its line.
 */
import {isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node} from 'yaml'
import {z} from 'zod'

export const CONFIG_FILE = '.optimize-as-code.yml'

/**
 * What a report definition pinned to versions the target's engine lacks is
 * sent with: `keep` its versions as the files say (the plan fails on the
 * missing ones), `latest` ['latest'], `all` ['all'] (version-policy.ts).
 */
export const VERSION_POLICIES = ['keep', 'latest', 'all'] as const
export type VersionPolicy = (typeof VERSION_POLICIES)[number]

export interface EnvironmentConfig {
  environments: Map<string, EnvironmentMapping>
}

export interface ConfigProblem {
  line?: number
  column?: number
  /** The path in the file and what was expected, e.g. "environments.prod.tenants: expected …". */
  message: string
}

const NO_SPACES = /^\S+$/
const Tenant = z
  .string({error: 'expected a tenant id (a string) or ~ for the default tenant'})
  .regex(NO_SPACES, 'expected a tenant id without spaces')
  .nullable()
const DefinitionKey = z
  .string({error: 'expected a definition key (a string)'})
  .regex(NO_SPACES, 'expected a definition key without spaces')

/** YAML maps arrive as Map (keys may be null); the fixed parts are checked as objects. */
const asObject = (value: unknown): unknown =>
  value instanceof Map ? Object.fromEntries(value) : value

const EnvironmentSchema = z.preprocess(
  value => asObject(value ?? new Map()),
  z.strictObject(
    {
      tenants: z
        .map(Tenant, Tenant, {error: 'expected a map of source tenant: target tenant'})
        .default(() => new Map()),
      definitions: z
        .map(DefinitionKey, DefinitionKey, {
          error: 'expected a map of source definition key: target key'
        })
        .default(() => new Map()),
      versions: z.enum(VERSION_POLICIES, {error: 'expected keep, latest or all'}).default('keep')
    },
    {error: 'expected a map with tenants, definitions and/or versions (or nothing)'}
  )
)
/** One environment's mapping; tenant null is the default tenant ("not defined"). */
export type EnvironmentMapping = z.infer<typeof EnvironmentSchema> & {name: string}

const ConfigSchema = z.preprocess(
  asObject,
  z.strictObject(
    {
      environments: z.map(
        z.string({error: 'expected an environment name'}).regex(NO_SPACES, {
          error: 'expected an environment name without spaces'
        }),
        EnvironmentSchema,
        {error: 'expected a map of environment name: mapping'}
      )
    },
    {error: 'expected a map with the key environments'}
  )
)

/** Parses and checks the file's text; `problems` is empty exactly when `config` is set. */
export function parseEnvironmentConfig(text: string): {
  config?: EnvironmentConfig
  problems: ConfigProblem[]
} {
  const lines = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lines, uniqueKeys: true})
  if (doc.errors.length > 0)
    return {
      problems: doc.errors.map(error => ({
        line: error.linePos?.[0].line,
        column: error.linePos?.[0].col,
        message: error.message.replace(/ at line \d+, column \d+.*$/s, '')
      }))
    }
  const parsed = ConfigSchema.safeParse(doc.toJS({mapAsMap: true}) ?? new Map())
  if (!parsed.success)
    return {
      problems: parsed.error.issues.map(issue => {
        const offset =
          issue.code === 'unrecognized_keys'
            ? offsetOf(doc, [...issue.path, issue.keys[0]], 'key')
            : offsetOf(doc, issue.path, 'value')
        const position = offset === undefined ? undefined : lines.linePos(offset)
        // A null key is YAML's ~ (the default tenant).
        const path = issue.path.map(key => (key === null ? '~' : String(key)))
        const where = path.length > 0 ? `${path.join('.')}: ` : ''
        const what =
          issue.code === 'unrecognized_keys'
            ? `unknown key '${issue.keys.join("', '")}'`
            : issue.message.replace(/^Invalid input: /, '')
        return {line: position?.line, column: position?.col, message: `${where}${what}`}
      })
    }
  const environments = new Map<string, EnvironmentMapping>()
  for (const [name, environment] of parsed.data.environments)
    environments.set(name, {name, ...environment})
  return {config: {environments}, problems: []}
}

/** The offset in the text of the node at `path` (its key or value), or of the deepest node on the way. */
function offsetOf(
  doc: Document,
  path: readonly PropertyKey[],
  part: 'key' | 'value'
): number | undefined {
  let node: Node | null | undefined = doc.contents
  let offset = node?.range?.[0]
  for (const segment of path) {
    if (!isMap(node)) break
    const pair = node.items.find(
      item => isPair(item) && isScalar(item.key) && sameKey(item.key.value, segment)
    )
    if (!pair) break
    const key = pair.key as Node
    const value = pair.value as Node | null
    offset = (part === 'value' ? value?.range?.[0] : undefined) ?? key.range?.[0] ?? offset
    node = value
  }
  return offset
}

function sameKey(value: unknown, segment: PropertyKey): boolean {
  return value === segment || String(value) === segment
}
