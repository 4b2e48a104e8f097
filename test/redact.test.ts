/**
 * src/redact.ts, table-driven: known secrets in every form a server or our own
 * writers may have escaped them in; credentials nobody told us about, in
 * header, JSON, form and query form; and the texts that must stay as they are
 * (challenges, prose, our own messages, JSON that must stay JSON).
 */
import {describe, expect, it} from 'vitest'
import {escapeMarkdown} from '../src/entities/markdown.js'
import {inputSecrets, redact, Redactor, redactStrings} from '../src/redact.js'
import {makeSettings} from './helpers/settings.js'

const CLIENT_SECRET = 'cl1ent/s3cret+"q"\\&=<x>_y'
const TOKEN = 'static+tok3n/ab12~c_d=='
const KNOWN = [CLIENT_SECRET, TOKEN]

/** Every way the tests below spell a secret; none may survive redaction. */
function spellings(secret: string): Record<string, string> {
  const json = JSON.stringify(secret).slice(1, -1)
  return {
    raw: secret,
    'JSON-escaped': json,
    'JSON-escaped with \\/': json.replaceAll('/', '\\/'),
    'JSON-escaped twice': JSON.stringify(json).slice(1, -1),
    'percent-encoded': encodeURIComponent(secret),
    'percent-encoded, lower-case hex': encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, h =>
      h.toLowerCase()
    ),
    'form-encoded': new URLSearchParams({s: secret}).toString().slice(2),
    Markdown: escapeMarkdown(secret)
  }
}

describe('redact: known secrets', () => {
  for (const secret of KNOWN) {
    for (const [form, spelled] of Object.entries(spellings(secret))) {
      it(`removes ${secret.slice(0, 10)}… ${form}`, () => {
        const out = redact(`before ${spelled} after`, KNOWN)
        expect(out).toBe('before *** after')
      })
    }
  }

  it('replaces a secret that contains another whole, and leaves other case alone', () => {
    const out = redact('x abcdef123 y abc123', ['abc123', 'abcdef123'])
    expect(out).toBe('x *** y ***')
    expect(redact('ABC123', ['abc123'])).toBe('ABC123')
  })

  it('learns secrets as they come, and ignores empty ones', () => {
    const redactor = new Redactor([''])
    expect(redactor.redact('t0ken-1 t0ken-2')).toBe('t0ken-1 t0ken-2')
    redactor.add('t0ken-1')
    redactor.add('t0ken-2')
    expect(redactor.redact('t0ken-1 t0ken-2')).toBe('*** ***')
  })
})

describe('redact: credentials nobody told us about', () => {
  const cases: [string, string, string][] = [
    ['Authorization header', 'Authorization: Bearer abc123.def', 'Authorization: Bearer ***'],
    [
      'Basic in a proxy header',
      'Proxy-Authorization: Basic dXNlcjpwYXNz',
      'Proxy-Authorization: Basic ***'
    ],
    ['a GitHub-style header', 'authorization: token abc123def', 'authorization: token ***'],
    ['a header list', '["authorization","Basic dXNlcjpwYXNz"]', '["authorization","***"]'],
    ['Bearer alone', 'sent Bearer eyX.abc-12_3 to it', 'sent Bearer *** to it'],
    [
      'JSON',
      '{"client_secret":"s3c\\"r","access_token": "a1"}',
      '{"client_secret":"***","access_token": "***"}'
    ],
    [
      'JSON in a JSON string',
      '"{\\"refresh_token\\":\\"r3f\\"}"',
      '"{\\"refresh_token\\":\\"***\\"}"'
    ],
    [
      'form',
      'grant_type=x&client_secret=s%2F3&audience=o',
      'grant_type=x&client_secret=***&audience=o'
    ],
    ['query', 'https://x/cb?id_token=i1&state=1', 'https://x/cb?id_token=***&state=1'],
    ['a camelCase key', 'clientSecret=abc1', 'clientSecret=***'],
    ['a password', 'password: hunter2\nnext line', 'password: ***\nnext line'],
    ['a Markdown-escaped key', 'client\\_secret=ab\\_c1', 'client\\_secret=***'],
    ['a URL password', 'via http://user:p4ss@proxy:3128/x', 'via http://user:***@proxy:3128/x'],
    ['a JWT', 'got eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.sig_x-y', 'got ***'],
    ['a GitHub token', 'cached ghp_abcdefghijklmnopqrstuvwxyz012345', 'cached ***'],
    ['a Markdown-escaped GitHub token', 'ghs\\_abcdefghijklmnopqrstuvwxyz012345', '***']
  ]
  for (const [name, text, expected] of cases) {
    it(name, () => expect(redact(text)).toBe(expected))
  }
})

describe('redact: what stays as it is', () => {
  const unchanged = [
    // A challenge names no credential (RFC 6750 §3).
    'Bearer error="invalid_token", error_description="Jwt expired at 2026-01-01T00:00:00Z"',
    'Bearer realm="optimize"',
    "401 Unauthorized: Optimize rejected the token (Bearer). Check the client credentials, 'audience' and 'scope'.",
    'the bearer token is invalid',
    "Input 'client-secret' is required for client credentials.",
    'credentials: Optimize at https://optimize.example.com accepted them',
    '{"token_type":"Bearer","expires_in":300,"secretary":"Ann","tokens":3}',
    'http://host:8080/a@b',
    '{"token": null, "password": true}'
  ]
  for (const text of unchanged) it(text.slice(0, 60), () => expect(redact(text, KNOWN)).toBe(text))

  it('keeps JSON valid and parses to the same shape', () => {
    const document = {
      detail: `client_secret=${CLIENT_SECRET}; Authorization: Bearer x1.y`,
      header: {authorization: ['Bearer abc1'], 'x-api-key': 'k3y'},
      seen: TOKEN,
      count: 2
    }
    const out = redact(JSON.stringify(document, null, 2), KNOWN)
    expect(JSON.parse(out)).toEqual({
      detail: 'client_secret=***; Authorization: Bearer ***',
      // Pretty-printed, the array's value is on its own line: the Bearer rule takes it.
      header: {authorization: ['Bearer ***'], 'x-api-key': '***'},
      seen: '***',
      count: 2
    })
  })

  it('is idempotent and deterministic', () => {
    const text = `Authorization: Bearer ${TOKEN} and ${CLIENT_SECRET}`
    const once = redact(text, KNOWN)
    expect(redact(once, KNOWN)).toBe(once)
    expect(redact(text, [...KNOWN].reverse())).toBe(once)
  })
})

describe('redactStrings', () => {
  it('redacts every string of a parsed answer, keys and other values kept', () => {
    const answer = {message: `no: ${TOKEN}`, errors: [{code: 'x', detail: [TOKEN]}], status: 401}
    expect(redactStrings(answer, text => redact(text, KNOWN))).toEqual({
      message: 'no: ***',
      errors: [{code: 'x', detail: ['***']}],
      status: 401
    })
  })
})

describe('inputSecrets', () => {
  it('lists the secrets among the inputs', () => {
    const withToken = makeSettings(
      {
        'optimize-url': 'http://127.0.0.1:1',
        'access-token': 'tok3n-a',
        'github-token': 'ghs_x',
        'collection-id': 'c'
      },
      {workspace: process.cwd()}
    )
    expect(inputSecrets(withToken)).toEqual(['tok3n-a', 'ghs_x'])
    const withClient = makeSettings(
      {
        'optimize-url': 'http://127.0.0.1:1',
        'client-id': 'id',
        'client-secret': 's3cret',
        'oauth-url': 'http://127.0.0.1:2/token',
        'collection-id': 'c'
      },
      {workspace: process.cwd()}
    )
    expect(inputSecrets(withClient)).toEqual(['s3cret'])
  })
})
