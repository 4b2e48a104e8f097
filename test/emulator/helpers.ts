// Shared helpers of the emulator conformance suite: real HTTP with the global fetch.
import {readFileSync} from 'node:fs'
import {afterEach} from 'vitest'
import {
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type JsonObject
} from '../../emulator/index.js'

export const FIXTURE: JsonObject[] = JSON.parse(
  readFileSync(
    new URL('../fixtures/optimize/instant-preview-template1.export.json', import.meta.url),
    'utf8'
  )
) as JsonObject[]
export const DASHBOARD_ID = 'd1e3c133-4831-42e1-b169-0f3c32c7864a'
export const FIXTURE_KEY = 'bookrequest-suspended-instances'
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const running: Emulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(e => e.close()))
})

export async function start(options?: EmulatorOptions): Promise<Emulator> {
  const emulator = await startEmulator(options)
  running.push(emulator)
  return emulator
}

/** The fixture seeded into `src`, plus an empty target collection `dst` with the same scope. */
export async function startWithFixture(options?: EmulatorOptions): Promise<Emulator> {
  const emulator = await start(options)
  emulator.state.seedEntities(structuredClone(FIXTURE), {collectionId: 'src'})
  const scope = emulator.state.collections.get('src')?.scope ?? []
  emulator.state.addCollection({id: 'dst', name: 'Target', scope})
  return emulator
}

export interface Res {
  status: number
  headers: Headers
  text: string
  json: unknown
}

export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {authorization: `Bearer ${emulator.token}`}
): Promise<Res> {
  const response = await fetch(`${emulator.url}${path}`, {
    method,
    headers: {'content-type': 'application/json', ...headers},
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  })
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = undefined
  }
  return {status: response.status, headers: response.headers, text, json: parsed}
}

export const importInto = (emulator: Emulator, collectionId: string, body: unknown): Promise<Res> =>
  call(emulator, 'POST', `/api/public/import?collectionId=${collectionId}`, body)

export function fixtureCopy(): JsonObject[] {
  return structuredClone(FIXTURE)
}

export function report(overrides: Partial<JsonObject> = {}, data: JsonObject = {}): JsonObject {
  const base = structuredClone(FIXTURE[1])
  return {...base, ...overrides, data: {...(base.data as JsonObject), ...data}}
}

export const ERR = {
  importFileInvalid:
    'Import failed because the provided file was invalid. Only JSON files exported from Optimize can be imported.',
  badRequestError: 'The server was unable to process the request.',
  notFoundError: 'The server could not find the requested resource.',
  serverError: 'An internal server error occurred.'
}

/** A dashboard variable filter as Optimize exports it (DashboardVariableFilterDto). */
export function variableFilter(name: string, type = 'String', data: JsonObject | null = null) {
  return {type: 'variable', data: {type, name, data}}
}

/** The fixture with its dashboard carrying these available filters. */
export function fixtureWithFilters(filters: unknown[]): JsonObject[] {
  const entities = fixtureCopy()
  entities[8].availableFilters = filters as JsonObject[]
  return entities
}

/** A single decision report in the current export format (decision index v10). */
export function decisionReport(id: string, key: string, xml: string | null = null): JsonObject {
  return {
    id,
    exportEntityType: 'single_decision_report',
    name: `Decision report ${key}`,
    description: null,
    sourceIndexVersion: 10,
    collectionId: null,
    data: {
      definitions: [{identifier: 'definition', key, versions: ['1'], tenantIds: [null]}],
      filter: [],
      configuration: {xml, tableColumns: {excludedColumns: ['engine']}},
      view: {properties: ['rawData']},
      groupBy: {type: 'none', value: null},
      distributedBy: {type: 'none', value: null},
      visualization: 'table',
      managementReport: false,
      instantPreviewReport: false
    }
  }
}

/**
 * Another Optimize as a promotion target: it has the fixture's process definition (with these
 * variables in its data) and a collection `dst` scoped to it, but none of the fixture's entities.
 */
export async function startTarget(
  options?: EmulatorOptions,
  variables: {name: string; type: string}[] = []
): Promise<Emulator> {
  const emulator = await start(options)
  const tenants = [
    ...new Set(
      FIXTURE.flatMap(e =>
        e.data ? ((e.data as JsonObject).definitions as JsonObject[]).flatMap(d => d.tenantIds) : []
      )
    )
  ] as (string | null)[]
  emulator.state.addDefinition({
    type: 'process',
    key: FIXTURE_KEY,
    versions: ['1'],
    tenants,
    variables
  })
  emulator.state.addCollection({
    id: 'dst',
    name: 'Target',
    scope: [{definitionType: 'process', definitionKey: FIXTURE_KEY, tenants}]
  })
  return emulator
}
