/**
 * Removes secrets from text before it reaches a log, an output, the job
 * summary, a file or an error message. The runner masks known secrets in log
 * lines only; outputs, the summary and files are written as they are, and a
 * server or proxy may echo a request's credentials in an error body. So every
 * text that can hold a server's words passes through here.
 *
 * Two kinds of match, both replaced by `***`:
 * - the known secrets (inputs, issued tokens), as they are and as a server may
 *   have re-encoded them: JSON-escaped (once or twice, with or without `\/`),
 *   percent-encoded and form-encoded;
 * - credentials this run does not know: the value of any key that names a
 *   secret (`Authorization`, `client_secret`, `access_token`, `password`, …) in
 *   header, JSON, form or query form; `Bearer <token>`; JWTs; GitHub tokens;
 *   the password in `scheme://user:password@host`.
 *
 * Pure: no I/O, no state beyond the secrets it was given (imports types only). Quotes and keys are
 * kept, so a JSON text stays JSON.
 */

import type {Settings} from './settings.js'

export const REDACTED = '***'

/** Keys whose value is a credential: any key ending in one of these words, in any case. */
const SECRET_KEY = String.raw`[\w.-]*?(?:secret|token|password|passwd|pwd|authorization|api[_-]?key|credentials?|cookie)`
/** Between key and value: a closing quote, then `:` `=` (maybe percent-encoded), or `,` in a header list. */
const SEPARATOR = String.raw`(?:\\?["']|%22)?[ \t]*(?:[:=]|%3[ad]|,(?=[ \t]*\\?["']))(?:[ \t]|%20)*(?:\[[ \t]*)?`
/** Authorization schemes kept in front of the redacted value, so the message still says which. */
const SCHEME = String.raw`(?:bearer|basic|token|digest|negotiate|ntlm)(?:[ \t]|%20|\+)+`
const VALUE = [
  String.raw`\\"(?:[^"\\\r\n]|\\[^"\r\n])*\\"`, // JSON inside a JSON string: \"…\"
  String.raw`"(?:[^"\\\r\n]|\\.)*"`,
  String.raw`'(?:[^'\\\r\n]|\\.)*'`,
  String.raw`%22(?:(?!%22)[^\s&"'])*%22`,
  String.raw`(?!(?:null|true|false|undefined)\b)(?:${SCHEME})?[^\s"'\\&,;<>()[\]{}]+`
].join('|')
const KEY_VALUE = new RegExp(
  String.raw`(?<![\w.-])(${SECRET_KEY})(?![\w])(${SEPARATOR})(${VALUE})`,
  'gi'
)

/** `Bearer <token68>` anywhere, but not a challenge's parameters (RFC 6750 §3: `Bearer error="…"`). */
const BEARER = new RegExp(
  String.raw`\b(bearer(?:[ \t]|%20|\+)+)(?!(?:realm|scope|error|error_description|error_uri)[ \t]*=)((?:[A-Za-z0-9\-._~+/]|%[0-9a-f]{2})+=*)`,
  'gi'
)
const JWT = /\beyJ[\w-]{2,}\.eyJ[\w-]{2,}\.[\w-]*/g
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,})/g
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*:)([^\s/?#@"'<>]+)@/gi

/** Redacts `text` given the secrets known so far; add secrets the moment they are known. */
export class Redactor {
  readonly #secrets = new Set<string>()
  #known: RegExp | undefined

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret)
  }

  add(secret: string): void {
    if (!secret || this.#secrets.has(secret)) return
    this.#secrets.add(secret)
    this.#known = undefined
  }

  redact(text: string): string {
    if (!text) return text
    this.#known ??= knownSecretsPattern(this.#secrets)
    return redactPatterns(this.#known ? text.replace(this.#known, REDACTED) : text)
  }
}

/** `text` without `secrets` and without credential-like values. */
export function redact(text: string, secrets: Iterable<string> = []): string {
  return new Redactor(secrets).redact(text)
}

/**
 * `value` with every string in it, however deep in arrays and objects, passed
 * through `clean`: for a parsed answer, whose strings may hold a secret in a
 * form its raw text did not show (an escape undone by parsing).
 */
export function redactStrings<T>(value: T, clean: (text: string) => string): T {
  if (typeof value === 'string') return clean(value) as T
  if (Array.isArray(value)) return (value as unknown[]).map(item => redactStrings(item, clean)) as T
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      key,
      redactStrings(item, clean)
    ])
    return Object.fromEntries(entries) as T
  }
  return value
}

/**
 * The secrets among the inputs, for a writer that has the settings but no Io
 * (plan.json). Tokens issued during the run are known to the Io only; the
 * client redacts them from a server's words before any writer sees them.
 */
export function inputSecrets(settings: Pick<Settings, 'connection' | 'github'>): string[] {
  const credentials = settings.connection?.credentials
  const secrets = [
    credentials?.kind === 'token' ? credentials.token : credentials?.clientSecret,
    settings.github.token
  ]
  return secrets.filter((secret): secret is string => Boolean(secret))
}

function redactPatterns(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(KEY_VALUE, (_match, key: string, separator: string, value: string) => {
      return `${key}${separator}${redactValue(value)}`
    })
    .replace(BEARER, (match, scheme: string, token: string) =>
      // A token has digits or symbols; "bearer tokenless" in a sentence is prose.
      /[0-9._~+/=%]/.test(token) ? `${scheme}${REDACTED}` : match
    )
    .replace(JWT, REDACTED)
    .replace(GITHUB_TOKEN, REDACTED)
}

/** The value without its content: quotes and an authorization scheme stay. */
function redactValue(value: string): string {
  for (const quote of ['\\"', '"', "'", '%22']) {
    if (value.startsWith(quote) && value.endsWith(quote) && value.length >= 2 * quote.length)
      return `${quote}${REDACTED}${quote}`
  }
  const scheme = new RegExp(`^${SCHEME}`, 'i').exec(value)
  return `${scheme?.[0] ?? ''}${REDACTED}`
}

/** One pattern for every known secret in every form a server may echo it in; longest first. */
function knownSecretsPattern(secrets: ReadonlySet<string>): RegExp | undefined {
  const forms = new Set<string>()
  for (const secret of secrets) {
    const json = JSON.stringify(secret).slice(1, -1)
    // Escaped once (a header in a JSON body), with `\/` (some serializers), twice (JSON in JSON).
    forms.add(secret).add(json).add(json.replaceAll('/', '\\/'))
    forms.add(JSON.stringify(json).slice(1, -1))
    forms.add(encodeURIComponent(secret)).add(new URLSearchParams({s: secret}).toString().slice(2))
  }
  if (forms.size === 0) return undefined
  const alternatives = [...forms]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map(form =>
      // Percent-escapes match in either case (%2f and %2F).
      escapeRegExp(form).replace(
        /%([0-9A-F])([0-9A-F])/g,
        (_m, a: string, b: string) => `%[${a}${a.toLowerCase()}][${b}${b.toLowerCase()}]`
      )
    )
  return new RegExp(alternatives.join('|'), 'g')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}
