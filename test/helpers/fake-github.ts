/**
 * A fake GitHub REST API on 127.0.0.1:0 for the endpoints publishing calls.
 * Every request and every response is checked against GitHub's own OpenAPI
 * description (@octokit/openapi): parameters, request body, and the response
 * schema of the status code sent. Mismatches are collected in `violations`;
 * tests assert it stays empty, so the fake cannot drift from the real API.
 */
import {readFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {createRequire} from 'node:module'
import {Ajv, type ValidateFunction} from 'ajv'
import addFormats from 'ajv-formats'

type Schema = Record<string, unknown>
type Json = Record<string, unknown>

export interface FakePull {
  number: number
  title: string
  body: string
  head: string
  base: string
  state: 'open' | 'closed'
  labels: string[]
}

export interface Failure {
  status: number
  message?: string
  headers?: Record<string, string>
  /** How many requests in a row fail; 1 by default. */
  times?: number
  /**
   * The message also echoes the request's Authorization header and these
   * texts, as a proxy in front of GitHub Enterprise Server may.
   */
  echo?: string[]
}

export interface RecordedRequest {
  operation: string
  method: string
  path: string
  query: Record<string, string>
  body: unknown
  authorization?: string
}

export type Operation =
  | 'repos/get'
  | 'pulls/list'
  | 'pulls/create'
  | 'pulls/update'
  | 'issues/add-labels'
  | 'issues/list-comments'
  | 'issues/create-comment'
  | 'issues/update-comment'

export interface FakeComment {
  id: number
  issue: number
  body: string
}

const ROUTES: [Operation, string, RegExp][] = [
  ['repos/get', 'GET', /^\/repos\/([^/]+)\/([^/]+)$/],
  ['pulls/list', 'GET', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/],
  ['pulls/create', 'POST', /^\/repos\/([^/]+)\/([^/]+)\/pulls$/],
  ['pulls/update', 'PATCH', /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)$/],
  ['issues/add-labels', 'POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/],
  ['issues/list-comments', 'GET', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/],
  ['issues/create-comment', 'POST', /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/],
  ['issues/update-comment', 'PATCH', /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/]
]

interface CompiledOperation {
  parameters: Map<string, {in: string; required: boolean; validate: ValidateFunction}>
  body?: ValidateFunction
  responses: Map<string, {schema?: Schema; validate?: ValidateFunction}>
}

let compiled: Map<Operation, CompiledOperation> | undefined

/** Parses the 70 MB description once per test file and keeps only our operations. */
function operations(): Map<Operation, CompiledOperation> {
  if (compiled) return compiled
  const require = createRequire(import.meta.url)
  const file = require.resolve('@octokit/openapi/generated/api.github.com.deref.json')
  const spec = JSON.parse(readFileSync(file, 'utf8')) as {
    paths: Record<string, Record<string, Json>>
  }
  const ajv = new Ajv({strict: false, allErrors: true})
  addFormats.default(ajv)
  // GitHub's own format for "owner/repo" strings (pulls/create's head_repo).
  ajv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/)
  compiled = new Map()
  const wanted = new Set<string>(ROUTES.map(([id]) => id))
  for (const item of Object.values(spec.paths)) {
    for (const op of Object.values(item)) {
      const id = op.operationId as Operation
      if (!wanted.has(id)) continue
      const parameters = new Map<
        string,
        {in: string; required: boolean; validate: ValidateFunction}
      >()
      for (const p of (op.parameters ?? []) as Json[]) {
        parameters.set(String(p.name), {
          in: String(p.in),
          required: Boolean(p.required),
          validate: ajv.compile(p.schema as Schema)
        })
      }
      const bodySchema = (op.requestBody as Json | undefined)?.content as Json | undefined
      const responses = new Map<string, {schema?: Schema; validate?: ValidateFunction}>()
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        const schema = (
          (response.content as Json | undefined)?.['application/json'] as Json | undefined
        )?.schema as Schema | undefined
        responses.set(status, {schema, validate: schema ? ajv.compile(schema) : undefined})
      }
      compiled.set(id, {
        parameters,
        body: bodySchema
          ? ajv.compile((bodySchema['application/json'] as Json).schema as Schema)
          : undefined,
        responses
      })
    }
  }
  return compiled
}

/**
 * A value of `schema` built from `partial`: what the test cares about is given,
 * every other required property gets a plain placeholder of the right type.
 */
export function fillFromSchema(schema: Schema, partial?: unknown): unknown {
  if (partial === undefined) {
    if (schema.nullable === true) return null
    if (Array.isArray(schema.enum)) return schema.enum[0] as unknown
    switch (schema.type) {
      case 'string':
        return schema.format === 'date-time'
          ? '2026-01-01T00:00:00Z'
          : schema.format === 'uri'
            ? 'https://github.test/placeholder'
            : schema.format === 'email'
              ? 'octocat@github.test'
              : 'placeholder'
      case 'integer':
      case 'number':
        return 1
      case 'boolean':
        return false
      case 'array':
        return []
      default:
        return fillFromSchema(schema, {})
    }
  }
  if (Array.isArray(partial) && schema.items) {
    return partial.map(item => fillFromSchema(schema.items as Schema, item))
  }
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) return partial
  const properties = (schema.properties ?? {}) as Record<string, Schema>
  const result: Json = {}
  for (const key of (schema.required ?? []) as string[]) {
    if (!(key in partial) && properties[key]) result[key] = fillFromSchema(properties[key])
  }
  for (const [key, value] of Object.entries(partial as Json)) {
    result[key] = properties[key] ? fillFromSchema(properties[key], value) : value
  }
  return result
}

export interface FakeGitHub {
  /** The API root to pass as `apiUrl`. */
  url: string
  owner: string
  repo: string
  defaultBranch: string
  pulls: FakePull[]
  /** Comments on issues and pull requests. */
  comments: FakeComment[]
  requests: RecordedRequest[]
  /** Every way a request or response strayed from GitHub's description. */
  violations: string[]
  /** The next request(s) to `operation` fail with `failure`. */
  fail(operation: Operation, failure: Failure): void
  close(): Promise<void>
}

export async function startFakeGitHub(
  options: {owner?: string; repo?: string; defaultBranch?: string} = {}
): Promise<FakeGitHub> {
  const ops = operations()
  const failures = new Map<Operation, Failure & {times: number}>()
  const server = createServer((req, res) => {
    void readBody(req).then(raw => handle(req, res, raw))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  const fake: FakeGitHub = {
    url: `http://127.0.0.1:${port}`,
    owner: options.owner ?? 'octo-org',
    repo: options.repo ?? 'dashboards',
    defaultBranch: options.defaultBranch ?? 'main',
    pulls: [],
    comments: [],
    requests: [],
    violations: [],
    fail: (operation, failure) => failures.set(operation, {...failure, times: failure.times ?? 1}),
    close: () => new Promise(resolve => server.close(() => resolve()))
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', fake.url)
    const route = ROUTES.find(
      ([, method, pattern]) => method === req.method && pattern.test(url.pathname)
    )
    if (!route) {
      fake.violations.push(`unexpected request ${req.method} ${url.pathname}`)
      send(res, undefined, 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest'
      })
      return
    }
    const [operation, , pattern] = route
    const op = ops.get(operation) as CompiledOperation
    const match = pattern.exec(url.pathname) as RegExpExecArray
    const query = Object.fromEntries(url.searchParams)
    let body: unknown
    try {
      body = raw ? (JSON.parse(raw) as unknown) : undefined
    } catch {
      fake.violations.push(`${operation}: request body is not JSON`)
    }
    fake.requests.push({
      operation,
      method: req.method ?? '',
      path: url.pathname,
      query,
      body,
      authorization: req.headers.authorization
    })
    checkRequest(operation, op, match, query, body, req)

    const failure = failures.get(operation)
    if (failure) {
      if (--failure.times <= 0) failures.delete(operation)
      const said = failure.echo
        ? ` (authorization: ${req.headers.authorization}; ${failure.echo.join('; ')})`
        : ''
      const error = {
        message: `${failure.message ?? 'Failure'}${said}`,
        documentation_url: 'https://docs.github.com/rest'
      }
      send(res, op, failure.status, error, failure.headers)
      return
    }
    if (match[1] !== fake.owner || match[2] !== fake.repo) {
      send(res, op, 404, {message: 'Not Found', documentation_url: 'https://docs.github.com/rest'})
      return
    }
    route_(operation, op, res, match, query, body as Json | undefined)
  }

  function route_(
    operation: Operation,
    op: CompiledOperation,
    res: ServerResponse,
    match: RegExpExecArray,
    query: Record<string, string>,
    body: Json | undefined
  ): void {
    const find = (n: string): FakePull | undefined => fake.pulls.find(p => p.number === Number(n))
    switch (operation) {
      case 'repos/get':
        return send(res, op, 200, repository())
      case 'pulls/list': {
        const state = query.state ?? 'open'
        const pulls = fake.pulls.filter(
          p =>
            (state === 'all' || p.state === state) &&
            (!query.head || query.head === `${fake.owner}:${p.head}`)
        )
        return send(res, op, 200, pulls.map(pullJson))
      }
      case 'pulls/create': {
        const head = String(body?.head)
        if (fake.pulls.some(p => p.state === 'open' && p.head === head)) {
          return send(res, op, 422, {
            message: 'Validation Failed',
            documentation_url: 'https://docs.github.com/rest'
          })
        }
        const pull: FakePull = {
          number: fake.pulls.length + 1,
          title: String(body?.title ?? ''),
          body: String(body?.body ?? ''),
          head,
          base: String(body?.base),
          state: 'open',
          labels: []
        }
        fake.pulls.push(pull)
        return send(res, op, 201, pullJson(pull))
      }
      case 'pulls/update': {
        const pull = find(match[3])
        if (!pull) return send(res, op, 404, {message: 'Not Found'})
        if (typeof body?.title === 'string') pull.title = body.title
        if (typeof body?.body === 'string') pull.body = body.body
        if (typeof body?.base === 'string') pull.base = body.base
        if (body?.state === 'open' || body?.state === 'closed') pull.state = body.state
        return send(res, op, 200, pullJson(pull))
      }
      case 'issues/list-comments':
        return send(
          res,
          op,
          200,
          fake.comments.filter(c => c.issue === Number(match[3])).map(commentJson)
        )
      case 'issues/create-comment': {
        const comment = {
          id: 5000 + fake.comments.length,
          issue: Number(match[3]),
          body: String(body?.body)
        }
        fake.comments.push(comment)
        return send(res, op, 201, commentJson(comment))
      }
      case 'issues/update-comment': {
        const comment = fake.comments.find(c => c.id === Number(match[3]))
        if (!comment) return send(res, op, 404, {message: 'Not Found'})
        comment.body = String(body?.body)
        return send(res, op, 200, commentJson(comment))
      }
      case 'issues/add-labels': {
        const pull = find(match[3])
        if (!pull) return send(res, op, 404, {message: 'Not Found'})
        const labels = Array.isArray(body) ? body : ((body?.labels ?? []) as unknown[])
        for (const label of labels) {
          const name = typeof label === 'string' ? label : String((label as Json).name)
          if (!pull.labels.includes(name)) pull.labels.push(name)
        }
        return send(
          res,
          op,
          200,
          pull.labels.map((name, i) => labelJson(name, i + 1))
        )
      }
    }
  }

  function checkRequest(
    operation: Operation,
    op: CompiledOperation,
    match: RegExpExecArray,
    query: Record<string, string>,
    body: unknown,
    req: IncomingMessage
  ): void {
    const pathValues = match.slice(1)
    const pathParams = [...op.parameters].filter(([, p]) => p.in === 'path')
    pathParams.forEach(([name, p], i) => {
      const raw = pathValues[i]
      if (!p.validate(coerce(raw, p.validate.schema as Schema))) {
        fake.violations.push(`${operation}: path parameter ${name}=${raw} ${ajvErrors(p.validate)}`)
      }
    })
    for (const [name, value] of Object.entries(query)) {
      const p = op.parameters.get(name)
      if (!p || p.in !== 'query')
        fake.violations.push(`${operation}: unknown query parameter ${name}`)
      else if (!p.validate(coerce(value, p.validate.schema as Schema))) {
        fake.violations.push(`${operation}: query ${name}=${value} ${ajvErrors(p.validate)}`)
      }
    }
    if (op.body) {
      if (!String(req.headers['content-type']).startsWith('application/json')) {
        fake.violations.push(`${operation}: content-type ${req.headers['content-type']}`)
      }
      if (!op.body(body)) fake.violations.push(`${operation}: request body ${ajvErrors(op.body)}`)
    } else if (body !== undefined) {
      fake.violations.push(`${operation}: unexpected request body`)
    }
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? '')) {
      fake.violations.push(`${operation}: no token in the Authorization header`)
    }
  }

  function send(
    res: ServerResponse,
    op: CompiledOperation | undefined,
    status: number,
    partial: unknown,
    headers: Record<string, string> = {}
  ): void {
    const documented = op?.responses.get(String(status))
    const value = documented?.schema ? fillFromSchema(documented.schema, partial) : partial
    if (op && documented?.validate && !documented.validate(value)) {
      fake.violations.push(`response ${status}: ${ajvErrors(documented.validate)}`)
    }
    if (op && !documented && status < 400)
      fake.violations.push(`response status ${status} is not documented`)
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': '1767225600',
      ...headers
    })
    res.end(JSON.stringify(value))
  }

  function repository(): Json {
    return {
      name: fake.repo,
      full_name: `${fake.owner}/${fake.repo}`,
      owner: {login: fake.owner, type: 'Organization'},
      default_branch: fake.defaultBranch,
      html_url: `https://github.test/${fake.owner}/${fake.repo}`,
      private: true
    }
  }

  function pullJson(pull: FakePull): Json {
    const html = `https://github.test/${fake.owner}/${fake.repo}/pull/${pull.number}`
    return {
      number: pull.number,
      id: 1000 + pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      html_url: html,
      url: `${fake.url}/repos/${fake.owner}/${fake.repo}/pulls/${pull.number}`,
      head: {ref: pull.head, label: `${fake.owner}:${pull.head}`, repo: repository()},
      base: {ref: pull.base, label: `${fake.owner}:${pull.base}`, repo: repository()},
      labels: pull.labels.map((name, i) => labelJson(name, i + 1))
    }
  }

  function commentJson(comment: FakeComment): Json {
    return {
      id: comment.id,
      body: comment.body,
      html_url: `https://github.test/${fake.owner}/${fake.repo}/pull/${comment.issue}#issuecomment-${comment.id}`,
      issue_url: `${fake.url}/repos/${fake.owner}/${fake.repo}/issues/${comment.issue}`,
      url: `${fake.url}/repos/${fake.owner}/${fake.repo}/issues/comments/${comment.id}`,
      user: {login: 'github-actions[bot]', id: 41898282, type: 'Bot'},
      author_association: 'NONE'
    }
  }

  return fake
}

function labelJson(name: string, id: number): Json {
  return {id, name, color: 'ededed', default: false, description: ''}
}

function coerce(raw: string, schema: Schema): unknown {
  return schema.type === 'integer' || schema.type === 'number' ? Number(raw) : raw
}

function ajvErrors(validate: ValidateFunction): string {
  return (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`).join('; ')
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
