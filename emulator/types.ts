// Shared types of the emulator. Entities are kept as plain JSON objects in the export format
// plus the internal fields Optimize stores but never exports.

export type Json = null | boolean | number | string | Json[] | JsonObject
export interface JsonObject {
  [key: string]: Json
}

/** The Optimize lines the emulator reproduces (emulator/README.md, "Profiles"). */
export type ProfileName =
  | '3.7'
  | '3.9'
  | '3.10'
  | '3.11-3.14'
  | '8.6-jaxrs'
  | '8.6-8.8-unpatched'
  | '8.6-8.8-patched'
  | '8.9'
  | 'latest'
/** A profile name or one of the older names kept as aliases. */
export type Profile = ProfileName | '8.x' | '8.3-8.5' | '8.7'
export type DefinitionType = 'process' | 'decision'

export type RouteName =
  | 'readyz'
  | 'token'
  | 'listReports'
  | 'listDashboards'
  | 'exportReports'
  | 'exportDashboards'
  | 'exportResult'
  | 'import'
  | 'deleteReport'
  | 'deleteDashboard'
  | 'listCollections'
  | 'getCollection'
  | 'createCollection'
  | 'collectionScope'
  | 'shareEnable'
  | 'shareDisable'
  | 'variableLabels'

export interface ScopeEntry {
  definitionType: DefinitionType
  definitionKey: string
  tenants: (string | null)[]
}

export interface Collection {
  id: string
  name: string
  scope: ScopeEntry[]
  owner: string
  /** Who changed it last: its owner, or "System User" after the public API added data sources. */
  lastModifier?: string
  created: string
  lastModified: string
}

export interface Definition {
  type: DefinitionType
  key: string
  name: string
  versions: string[]
  tenants: (string | null)[]
  xml: string
}

/** A process variable as Optimize's variable reader answers it: name and VariableType id. */
export interface ProcessVariable {
  name: string
  type: string
}

export interface VariableLabel {
  variableName: string
  variableType: string
  variableLabel: string
}

/** What a handler answers; the server turns it into bytes (and may truncate it, see faults). */
export interface Reply {
  status: number
  headers?: Record<string, string>
  body?: string | Buffer
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function json(status: number, body: unknown, headers?: Record<string, string>): Reply {
  return {
    status,
    headers: {'content-type': 'application/json', ...headers},
    body: JSON.stringify(body)
  }
}

export function empty(status: number, headers?: Record<string, string>): Reply {
  return {status, headers, body: ''}
}

/** Optimize's date format `yyyy-MM-dd'T'HH:mm:ss.SSSZ`: UTC is written +0000, never Z. */
export function optimizeDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23) + '+0000'
}

export function clone<T>(value: T): T {
  return structuredClone(value)
}
