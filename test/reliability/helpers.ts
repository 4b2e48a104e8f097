/**
 * What the reliability tests share: folder snapshots (the "nothing is lost"
 * check), the secrets of a run and the places they must never appear, and
 * every token the emulator issues (captured where it is made, so the check
 * does not depend on the code under test remembering to mask it).
 */
import {randomBytes} from 'node:crypto'
import {readdir, readFile} from 'node:fs/promises'
import * as path from 'node:path'
import {inspect} from 'node:util'
import {expect, vi} from 'vitest'
import {Auth} from '../../emulator/auth.js'
import type {Emulator} from '../../emulator/index.js'
import type {InputName} from '../../src/constants.js'
import type {CredentialKind} from './matrix.js'

/** Relative path → content of every file under `dir` (`.git` left out), sorted. */
export async function snapshot(
  dir: string,
  options: {skip?: (relative: string) => boolean} = {}
): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  const entries = await readdir(dir, {recursive: true, withFileTypes: true}).catch(() => [])
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue
    const full = path.join(entry.parentPath, entry.name)
    const relative = path.relative(dir, full).split(path.sep).join('/')
    if (relative === '.git' || relative.startsWith('.git/')) continue
    if (options.skip?.(relative)) continue
    files[relative] = entry.isSymbolicLink() ? '<symlink>' : await readFile(full, 'utf8')
  }
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/**
 * Secrets unlikely to appear by chance, fresh per run. They hold characters
 * that JSON, percent- and form-encoding change (`/ + = " \ &`), so a secret
 * echoed in another encoding is a different string to look for.
 */
export function freshSecrets(): {accessToken: string; clientId: string; clientSecret: string} {
  const tag = randomBytes(6).toString('hex')
  return {
    // A static token may only hold what a bearer token can (settings.ts).
    accessToken: `static+tok3n/${tag}==`,
    clientId: 'oac-reliability',
    clientSecret: `cl1ent/s3cret+"${tag}"\\&=`
  }
}

/**
 * Credentials the run never knew, and the shapes a server or proxy may echo
 * them in: Authorization and Bearer headers, client_secret / access_token /
 * refresh_token / id_token / password in JSON, form and query form, a URL's
 * password, a JWT and a GitHub token. Only redaction by pattern can catch them.
 */
export function strangerCredentials(): {values: string[]; texts: string[]} {
  const tag = randomBytes(6).toString('hex')
  const value = {
    basic: Buffer.from(`proxy-user:pr0xy-${tag}`).toString('base64'),
    bearer: `stranger.b34rer.${tag}`,
    clientSecret: `stranger-cl1ent-${tag}`,
    accessToken: `stranger-acc3ss-${tag}`,
    refreshToken: `stranger-refr3sh-${tag}`,
    idToken: `stranger-1d-${tag}`,
    password: `stranger-p4ss-${tag}`,
    urlPassword: `stranger-url-${tag}`,
    jwt: `eyJhbGciOiJub25lIn0.eyJzdWIiOiJzdHJhbmdlciJ9.${tag}`,
    github: `ghp_${tag}Str4ngerT0kenXXXXXXXXXXXX`
  }
  return {
    values: Object.values(value),
    texts: [
      `Proxy-Authorization: Basic ${value.basic}`,
      `X-Forwarded-Authorization: Bearer ${value.bearer}`,
      JSON.stringify({client_secret: value.clientSecret, access_token: value.accessToken}),
      `grant_type=refresh_token&refresh_token=${value.refreshToken}&client_id=x`,
      `redirect https://login.example/cb?id_token=${value.idToken}&state=1`,
      `password=${value.password}`,
      `upstream https://proxy-user:${value.urlPassword}@proxy.example:3128 refused`,
      `forwarded ${value.jwt}`,
      `cached ${value.github}`
    ]
  }
}

/** A secret as a server may echo it: JSON-escaped (also with `\/`), percent- and form-encoded. */
export function secretForms(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1)
  const percent = encodeURIComponent(secret)
  return [
    secret,
    json,
    json.replaceAll('/', '\\/'),
    percent,
    percent.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()),
    new URLSearchParams({value: secret}).toString().slice('value='.length)
  ]
}

/** What an echoing server adds to the request it echoes: each secret in each of its forms. */
export function echoTexts(secrets: readonly string[]): string[] {
  return secrets.flatMap(secret => [
    ...secretForms(secret).map(form => `seen ${form}`),
    `json ${JSON.stringify({seen: secret})}`
  ])
}

export const GITHUB_TOKEN = `ghs_reliabilityT0ken${randomBytes(6).toString('hex')}`

/** The basic-auth header value git sends; derived from the GitHub token, as secret as it. */
export function gitHeaderValue(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString('base64')
}

/** The credential inputs of one kind, for an emulator started with `secrets`. */
export function credentialInputs(
  kind: CredentialKind,
  emu: Emulator,
  secrets: ReturnType<typeof freshSecrets>
): Partial<Record<InputName, string>> {
  if (kind === 'token') return {'access-token': secrets.accessToken}
  return {
    'client-id': secrets.clientId,
    'client-secret': secrets.clientSecret,
    'oauth-url': emu.oauthUrl,
    audience: 'optimize'
  }
}

/**
 * Every access token the emulators in this process issue from now on, by
 * issuer. Spying on the signer sees each token as it is made, whatever the
 * client does with it; the issuer claim (the emulator's token URL, a port of
 * its own) tells emulators that run side by side apart.
 */
export function captureIssuedTokens(): {tokensFrom(oauthUrl: string): string[]; restore(): void} {
  const spy = vi.spyOn(Auth.prototype, 'issue')
  const issuer = (token: string): unknown =>
    (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {iss?: unknown})
      .iss
  return {
    tokensFrom: oauthUrl =>
      spy.mock.results
        .flatMap(result => (result.type === 'return' ? [String(result.value)] : []))
        .filter(token => issuer(token) === oauthUrl),
    restore: () => spy.mockRestore()
  }
}

/** The error as a person or a log could see it: message, causes, own fields, nested. */
export function errorText(error: unknown): string {
  if (error === undefined) return ''
  const parts: string[] = [inspect(error, {depth: 8, breakLength: Infinity})]
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message, e.stack ?? '')
  return parts.join('\n')
}

/** Asserts that no secret occurs, in any of its forms (secretForms), in any of the named texts. */
export function expectNoSecrets(secrets: readonly string[], places: Record<string, string>): void {
  const leaks: string[] = []
  for (const secret of secrets.filter(Boolean)) {
    const forms = [...new Set(secretForms(secret))]
    for (const [place, text] of Object.entries(places)) {
      const form = forms.find(f => text.includes(f))
      if (form !== undefined)
        leaks.push(`${place} contains the secret ${secret.slice(0, 12)}… as ${form.slice(0, 20)}…`)
    }
  }
  expect(leaks).toEqual([])
}
