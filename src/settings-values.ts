/**
 * Parsers of input values for settings.ts: each turns one raw input into a
 * typed value or throws a SettingsError that names the input, the value and
 * what was expected. Pure but for the file-system checks of paths.
 */
import {existsSync, realpathSync} from 'node:fs'
import * as path from 'node:path'
import {
  Input,
  SAAS_AUDIENCE,
  SAAS_HOST_SUFFIX,
  SAAS_OAUTH_URL,
  type InputName
} from './constants.js'
import type {Io} from './io.js'
import type {Credentials} from './settings.js'

export class SettingsError extends Error {
  override name = 'SettingsError'
}

/** Reads one input; '' when it was not given. */
export type Get = (name: InputName) => string

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/
/** What Spring's bearer-token resolver accepts (optimize-api.md §2.1). */
const BEARER_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/

export function insideWorkspace(
  name: InputName,
  raw: string,
  workspace: string,
  kind: 'folder' | 'file' = 'folder'
): {absolute: string; relative: string} {
  if (raw.includes('\0')) throw new SettingsError(`Input '${name}' contains a NUL character.`)
  const absolute = path.resolve(workspace, raw)
  const relative = path.relative(workspace, absolute)
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new SettingsError(
      `Input '${name}' must be a ${kind} inside the workspace '${workspace}', got '${raw}'.`
    )
  }
  refuseGitFolder(name, raw, relative)
  refuseLinkOut(name, raw, absolute, workspace, 'the workspace')
  return {absolute, relative: relative.split(path.sep).join('/')}
}

/**
 * A plan file's absolute path: inside the workspace or RUNNER_TEMP (where
 * actions/upload-artifact and download-artifact put it), never in `.git`.
 */
export function planPath(
  name: InputName,
  raw: string,
  workspace: string,
  env: NodeJS.ProcessEnv
): string {
  if (raw.includes('\0')) throw new SettingsError(`Input '${name}' contains a NUL character.`)
  const absolute = path.resolve(workspace, raw)
  const roots = [workspace, env.RUNNER_TEMP ? path.resolve(env.RUNNER_TEMP) : undefined]
  const root = roots.find(r => r !== undefined && isStrictlyInside(r, absolute))
  if (!root) {
    throw new SettingsError(
      `Input '${name}' must name a file inside the workspace '${workspace}'${env.RUNNER_TEMP ? ` or RUNNER_TEMP '${env.RUNNER_TEMP}'` : ''}, got '${raw}'.`
    )
  }
  refuseGitFolder(name, raw, path.relative(root, absolute))
  refuseLinkOut(
    name,
    raw,
    path.dirname(absolute),
    root,
    root === workspace ? 'the workspace' : 'RUNNER_TEMP'
  )
  return absolute
}

function isStrictlyInside(root: string, target: string): boolean {
  const relative = path.relative(root, target)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}

/** Git's own folder is never a place for the action's files. */
function refuseGitFolder(name: InputName, raw: string, relative: string): void {
  if (relative.split(/[\\/]/).some(part => part.toLowerCase() === '.git')) {
    throw new SettingsError(`Input '${name}' must not point into a .git folder, got '${raw}'.`)
  }
}

/** A symbolic link on the way could lead the files out of `root`. */
function refuseLinkOut(
  name: InputName,
  raw: string,
  absolute: string,
  root: string,
  rootName: string
): void {
  if (!existsSync(root)) return
  const realRoot = realpathSync(root)
  let existing = absolute
  while (!existsSync(existing)) existing = path.dirname(existing)
  const realRelative = path.relative(realRoot, realpathSync(existing))
  if (realRelative.startsWith('..') || path.isAbsolute(realRelative)) {
    throw new SettingsError(
      `Input '${name}' ('${raw}') goes through a symbolic link that leads out of ${rootName}.`
    )
  }
}

export function httpUrl(name: InputName, raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new SettingsError(
      `Input '${name}' is not a valid URL: '${raw}'. Expected e.g. https://host/path.`
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SettingsError(
      `Input '${name}' must be an http:// or https:// URL, got '${url.protocol}'.`
    )
  }
  if (url.username || url.password) {
    throw new SettingsError(
      `Input '${name}' must not carry credentials in the URL; use '${Input.AccessToken}', or '${Input.ClientId}' and '${Input.ClientSecret}'.`
    )
  }
  return url.toString()
}

export function list(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[\n,]/)
        .map(item => item.trim())
        .filter(Boolean)
    )
  ]
}

export function ids(get: Get, name: InputName): string[] {
  const result: string[] = []
  let position = 0
  // Blank lines and a trailing comma are layout; an empty item between commas is a typo.
  for (const line of get(name).split('\n')) {
    const items = line.split(',').map(item => item.trim())
    if (items.length > 1 && items.at(-1) === '') items.pop()
    if (items.length === 1 && items[0] === '') continue
    for (const item of items) {
      position++
      if (item === '')
        throw new SettingsError(`Input '${name}' has an empty ID at position ${position}.`)
      if (!ID_PATTERN.test(item)) {
        throw new SettingsError(
          `Input '${name}' has an invalid ID at position ${position}: ${JSON.stringify(item)}. Optimize IDs are letters, digits and -._: without spaces, slashes or quotes.`
        )
      }
      if (!result.includes(item)) result.push(item)
    }
  }
  return result
}

export function optionalId(get: Get, name: InputName): string | undefined {
  const value = get(name)
  if (!value) return undefined
  if (!ID_PATTERN.test(value)) {
    throw new SettingsError(`Input '${name}' is not a valid Optimize ID: ${JSON.stringify(value)}.`)
  }
  return value
}

/** Free text of at most `maxLength` characters without control characters; undefined when not given. */
export function optionalText(get: Get, name: InputName, maxLength: number): string | undefined {
  const value = get(name)
  if (!value) return undefined
  // eslint-disable-next-line no-control-regex
  if (value.length > maxLength || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new SettingsError(
      `Input '${name}' must be one line of at most ${maxLength} characters, got ${value.length} characters.`
    )
  }
  return value
}

export function integer(
  get: Get,
  name: InputName,
  fallback: number,
  min: number,
  max: number
): number {
  const raw = get(name)
  if (!raw) return fallback
  if (!/^-?\d+$/.test(raw))
    throw new SettingsError(
      `Input '${name}' must be a whole number from ${min} to ${max}, got '${raw}'.`
    )
  const value = Number(raw)
  if (value < min || value > max) {
    throw new SettingsError(`Input '${name}' must be from ${min} to ${max}, got ${value}.`)
  }
  return value
}

export function boolean(get: Get, name: InputName, fallback: boolean): boolean {
  const raw = get(name)
  if (!raw) return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new SettingsError(`Input '${name}' must be 'true' or 'false', got '${raw}'.`)
}

export function oneOf<T extends string>(name: InputName, raw: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  throw new SettingsError(
    `Input '${name}' must be one of ${allowed.map(a => `'${a}'`).join(', ')}, got '${raw}'.`
  )
}

export function optimizeVersion(raw: string): string | undefined {
  if (!raw) return undefined
  if (!/^\d+\.\d+(\.\d+)?$/.test(raw)) {
    throw new SettingsError(
      `Input '${Input.OptimizeVersion}' must look like '8.6' or '3.10.0', got '${raw}'.`
    )
  }
  return raw
}

export function optimizeUrl(raw: string, io: Io): string {
  if (!raw)
    throw new SettingsError(
      `Input '${Input.OptimizeUrl}' is required, e.g. https://optimize.example.com.`
    )
  const url = new URL(httpUrl(Input.OptimizeUrl, raw))
  if (url.search || url.hash) {
    throw new SettingsError(
      `Input '${Input.OptimizeUrl}' must not have a query or fragment, got '${url.origin}${url.pathname}${url.search}'.`
    )
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    io.warning(
      `Input '${Input.OptimizeUrl}' uses plain http:// to ${url.hostname}: the token travels unencrypted. Use https:// outside a trusted network.`
    )
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

export function credentials(
  get: Get,
  accessToken: string,
  clientSecret: string,
  baseUrl: string
): Credentials {
  const clientId = get(Input.ClientId)
  if (accessToken && (clientId || clientSecret)) {
    throw new SettingsError(
      `Inputs '${Input.AccessToken}' and '${Input.ClientId}'/'${Input.ClientSecret}' contradict each other: set a static token or client credentials, not both.`
    )
  }
  if (accessToken) {
    if (!BEARER_PATTERN.test(accessToken)) {
      throw new SettingsError(
        `Input '${Input.AccessToken}' has characters a bearer token cannot have (only letters, digits and -._~+/ then '='); check for spaces or quotes.`
      )
    }
    return {kind: 'token', token: accessToken}
  }
  if (!clientId && !clientSecret) {
    throw new SettingsError(
      `No credentials: set input '${Input.AccessToken}', or '${Input.ClientId}' and '${Input.ClientSecret}'.`
    )
  }
  if (!clientId || !clientSecret) {
    throw new SettingsError(
      `Inputs '${Input.ClientId}' and '${Input.ClientSecret}' go together: one of them is missing.`
    )
  }
  const isSaas = new URL(baseUrl).hostname.endsWith(SAAS_HOST_SUFFIX)
  const oauthRaw = get(Input.OauthUrl) || (isSaas ? SAAS_OAUTH_URL : '')
  if (!oauthRaw) {
    throw new SettingsError(
      `Input '${Input.OauthUrl}' is required with client credentials outside Camunda SaaS, e.g. https://keycloak/auth/realms/camunda-platform/protocol/openid-connect/token.`
    )
  }
  const audience = get(Input.Audience) || (isSaas ? SAAS_AUDIENCE : undefined)
  return {
    kind: 'client-credentials',
    clientId,
    clientSecret,
    oauthUrl: new URL(httpUrl(Input.OauthUrl, oauthRaw)),
    audience,
    scope: get(Input.Scope) || undefined
  }
}
