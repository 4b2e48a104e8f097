/**
 * Removes secrets from text before it reaches a log, an output, the job
 * summary, a file or an error message. The runner masks known secrets in log
 * lines only; outputs, the summary and files are written as they are, and a
 * server or proxy may echo a request's credentials in an error body. So every
 * text that can hold a server's words passes through here.
 *
 * Two kinds of match, both replaced by `***`:
 * - the known secrets (inputs, issued tokens), as they are and as they look
 *   once escaped: punctuation behind backslashes (JSON, once or twice; `\/`;
 *   Markdown), HTML entities and the zero-width spaces of our summaries;
 *   percent- and form-encoded (either case of hex digits);
 * - credentials this run does not know: the value of any key that names a
 *   secret (`Authorization`, `client_secret`, `access_token`, `password`, …) in
 *   header, JSON, form or query form; `Bearer <token>`; JWTs; GitHub tokens;
 *   the password in `scheme://user:password@host`.
 *
 * Pure: no I/O, no state beyond the secrets it was given (imports types only).
 * Quotes and keys are kept, so a JSON text stays JSON. What a pattern cannot
 * tell from prose is left alone: a token of letters only after `Bearer`.
 */
import type {Settings} from './settings.js'

export const REDACTED = '***'

/** A Markdown escape of a character that tokens contain (`_`, `~`). */
const MD = String.raw`\\[_~]`
/**
 * Keys whose value is a credential: any key ending in one of these words, in
 * any case (`client_secret`, `clientSecret`, `x-access-token`, `api_key`).
 * Only the word itself is matched: the rest of the key stays as it is. Not
 * `credentials`: our own plan says `credentials: <what Optimize answered>`.
 */
const SECRET_KEY = String.raw`(?:secret|token|password|passwd|pwd|authorization|api(?:[_-]|\\_)?key|cookie)`
/** Between key and value: a closing quote, then `:` `=` (maybe percent-encoded), or `,` in a header list. */
const SEPARATOR = String.raw`(?:\\?["']|%22)?[ \t]*(?:[:=]|%3[ad]|,(?=[ \t]*\\?["']))(?:[ \t]|%20)*(?:\[[ \t]*)?`
/** Authorization schemes kept in front of the redacted value, so the message still says which. */
const SCHEME = String.raw`(?:bearer|basic|token|digest|negotiate|ntlm)(?:[ \t]|%20|\+)+`
const VALUE = [
  String.raw`\\"(?:[^"\\\r\n]|\\[^"\r\n])*\\"`, // JSON inside a JSON string: \"…\"
  String.raw`"(?:[^"\\\r\n]|\\.)*"`,
  String.raw`'(?:[^'\\\r\n]|\\.)*'`,
  String.raw`%22(?:(?!%22)[^\s&"'])*%22`,
  String.raw`(?!(?:null|true|false|undefined)\b)(?:${SCHEME})?(?:[^\s"'\\&,;<>()[\]{}]|${MD})+`
].join('|')
const KEY_VALUE = new RegExp(String.raw`(${SECRET_KEY})(?![\w])(${SEPARATOR})(${VALUE})`, 'gi')

/** `Bearer <token68>` anywhere, but not a challenge's parameters (RFC 6750 §3: `Bearer error="…"`). */
const BEARER = new RegExp(
  String.raw`\b(bearer(?:[ \t]|%20|\+)+)(?!(?:realm|scope|error|error_description|error_uri)[ \t]*=)((?:[A-Za-z0-9\-._~+/]|${MD}|%[0-9a-f]{2})+=*)`,
  'gi'
)
const JWT = new RegExp(
  String.raw`\beyJ(?:[\w-]|${MD}){2,}\.eyJ(?:[\w-]|${MD}){2,}\.(?:[\w-]|${MD})*`,
  'g'
)
const GITHUB_TOKEN = new RegExp(
  String.raw`\b(?:gh[pousr](?:_|${MD})[A-Za-z0-9]{20,}|github(?:_|${MD})pat(?:_|${MD})(?:\w|${MD}){20,})`,
  'g'
)
/** `//user:password@host`, with or without a scheme before it. */
const URL_PASSWORD = /(\/\/[^\s:/?#@"'<>]*:)([^\s/?#@"'<>]+)@/g

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

/** How escaping may spell a character: HTML entities (a Markdown summary escapes `&<>`). */
const ENTITIES: Record<string, string[]> = {
  '&': ['&amp;', '&#38;', '&#x26;'],
  '<': ['&lt;', '&#60;', '&#x3c;'],
  '>': ['&gt;', '&#62;', '&#x3e;'],
  '"': ['&quot;', '&#34;', '&#x22;'],
  "'": ['&#39;', '&#x27;', '&apos;']
}
/** The zero-width space our summaries put after `@` and `:` so GitHub makes no mention or link. */
const ZERO_WIDTH = '(?:&#8203;|\u200b)?'

/** One pattern for every known secret in every form a server or a writer may have escaped it in. */
function knownSecretsPattern(secrets: ReadonlySet<string>): RegExp | undefined {
  const alternatives = new Set<string>()
  for (const secret of secrets) {
    alternatives.add(escapedSecret(secret))
    alternatives.add(percentEncoded(encodeURIComponent(secret)))
    // Form encoding (application/x-www-form-urlencoded) differs: `+` for space, `*` escaped.
    alternatives.add(percentEncoded(new URLSearchParams({s: secret}).toString().slice(2)))
  }
  if (alternatives.size === 0) return undefined
  // Longest first, so a secret that contains another is replaced whole.
  const sorted = [...alternatives].sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
  return new RegExp(sorted.join('|'), 'g')
}

/** `secret` with any backslashes before its punctuation, entities for it, zero-width spaces around it. */
function escapedSecret(secret: string): string {
  let pattern = ''
  for (const char of secret) {
    if (/[A-Za-z0-9]/.test(char)) pattern += char
    else if (char === '\\') pattern += String.raw`\\+`
    else {
      const spellings = [escapeRegExp(char), ...(ENTITIES[char] ?? [])]
      pattern += `${ZERO_WIDTH}\\\\*(?:${spellings.join('|')})${ZERO_WIDTH}`
    }
  }
  return pattern
}

/** A percent-encoded secret, its escapes in either case (`%2f` as `%2F`). */
function percentEncoded(encoded: string): string {
  return escapeRegExp(encoded).replace(
    /%([0-9A-F])([0-9A-F])/g,
    (_m, a: string, b: string) => `%[${a}${a.toLowerCase()}][${b}${b.toLowerCase()}]`
  )
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
}
