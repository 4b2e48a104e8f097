// GET /api/public/export/report/{id}/result/json: raw-data reports page
// through a scroll; other single reports answer in one response; combined reports are refused.
import {randomBytes} from 'node:crypto'
import {ApiError, badRequest, notFound, serverError} from './errors.js'
import type {Faults} from './faults.js'
import type {ProfileSpec} from './profiles.js'
import {hashString, mix} from './random.js'
import {RowSource} from './rows.js'
import type {EmulatorState} from './state.js'
import type {JsonObject, Reply} from './types.js'
import {isObject, json, optimizeDate} from './types.js'

// Looks like an Elasticsearch scroll id (the docs sample starts the same way).
const SCROLL_PREFIX = 'FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFk'
const SCROLL_PATTERN = /^FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFk[A-Za-z0-9_-]{24}$/
const LIMIT_MESSAGE =
  'All records are delivered in this response regardless of the set limit, since result pagination is only supported for raw data reports.'

interface Scroll {
  reportId: string
  source: RowSource
  pageSize: number
  offset: number
  total: number
  expiresAt: number
  pages: number
}

export class DataExport {
  private readonly scrolls = new Map<string, Scroll>()

  constructor(
    private readonly state: EmulatorState,
    private readonly profile: ProfileSpec,
    private readonly faults: Faults
  ) {}

  handle(reportId: string, query: URLSearchParams): Reply {
    // Bean validation of the query DTO happens before the method body runs.
    const limit = intParam(query, 'limit', 1000)
    const timeout = intParam(query, 'paginationTimeout', 120)
    if (limit < 0) throw badRequest('limit: must be greater than or equal to 0')
    if (limit > 10000) throw badRequest('limit: must be less than or equal to 10000')
    if (timeout < 60) throw badRequest('paginationTimeout: must be greater than or equal to 60')
    try {
      return this.export(reportId, query.get('searchRequestId'), limit, timeout)
    } catch (error) {
      // Spring builds: exportReportData wraps every exception in OptimizeRuntimeException.
      if (this.profile.springDataExport && error instanceof ApiError)
        throw serverError(error.detailedMessage)
      throw error
    }
  }

  private export(reportId: string, scrollId: string | null, limit: number, timeout: number): Reply {
    if (scrollId) return this.nextPage(scrollId, timeout)
    const report = this.state.getReport(reportId)
    if (!report) throw notFound(`Report with id [${reportId}] does not exist.`)
    if (report.exportEntityType === 'combined_report') {
      throw badRequest('Combined reports cannot be exported as Json')
    }
    const data = isObject(report.data) ? report.data : {}
    const definitions = Array.isArray(data.definitions) ? data.definitions.filter(isObject) : []
    const first = definitions[0]
    if (!first || typeof first.key !== 'string' || !isObject(data.view)) {
      throw badRequest('The report could not be evaluated: it has no definition or no view.')
    }
    const view = data.view
    const properties = Array.isArray(view.properties) ? view.properties : []
    if (properties.includes('rawData')) return this.openScroll(report, first, limit, timeout)
    return evaluate(reportId, data, limit)
  }

  private openScroll(
    report: JsonObject,
    definition: JsonObject,
    limit: number,
    timeout: number
  ): Reply {
    const now = Date.now()
    for (const [id, s] of this.scrolls) if (s.expiresAt < now) this.scrolls.delete(id)
    const reportId = String(report.id)
    const kind = report.exportEntityType === 'single_decision_report' ? 'decision' : 'process'
    const key = String(definition.key)
    const versions = Array.isArray(definition.versions) ? definition.versions.map(String) : ['all']
    const known = this.state.getDefinition(kind, key)?.versions ?? ['1']
    const explicit = versions.filter(v => v !== 'all' && v !== 'latest')
    const spec = this.state.rawDataFor(reportId)
    const scroll: Scroll = {
      reportId,
      source: new RowSource({
        reportId,
        seed: spec.seed,
        kind,
        definitionKey: key,
        version: explicit[explicit.length - 1] ?? known[known.length - 1] ?? '1',
        tenants: Array.isArray(definition.tenantIds)
          ? definition.tenantIds.map(t => (typeof t === 'string' ? t : null))
          : [null]
      }),
      pageSize: limit, // limit only counts on the first page
      offset: 0,
      total: spec.rows,
      expiresAt: 0,
      pages: 0
    }
    return this.serve(newScrollId(), scroll, timeout)
  }

  private nextPage(scrollId: string, timeout: number): Reply {
    if (!SCROLL_PATTERN.test(scrollId)) {
      // A garbage scroll id is a 500 (ES cannot even parse it).
      throw serverError(
        'Failed to retrieve the next page of the report result: Cannot parse scroll id'
      )
    }
    const scroll = this.scrolls.get(scrollId)
    const limit = this.faults.scrollPageLimit
    if (
      !scroll ||
      scroll.expiresAt < Date.now() ||
      (limit !== undefined && scroll.pages >= limit)
    ) {
      this.scrolls.delete(scrollId)
      const context = mix(hashString(scrollId), 7) % 100000
      throw badRequest(
        `Failed to retrieve the next page of the report result: Elasticsearch exception [type=search_context_missing_exception, reason=No search context found for id [${context}]]`
      )
    }
    return this.serve(scrollId, scroll, timeout)
  }

  private serve(scrollId: string, scroll: Scroll, timeout: number): Reply {
    const count = Math.max(0, Math.min(scroll.pageSize, scroll.total - scroll.offset))
    const rows = scroll.source.render(scroll.offset, count)
    scroll.offset += count
    scroll.pages++
    scroll.expiresAt = Date.now() + timeout * 1000 // keep-alive renewed per page
    let id = scrollId
    if (this.faults.rotateScrollIds) {
      this.scrolls.delete(scrollId)
      id = newScrollId()
    }
    this.scrolls.set(id, scroll)
    const body =
      `{"searchRequestId":"${id}","numberOfRecordsInResponse":${count},"totalNumberOfRecords":${scroll.total},` +
      `"reportId":${JSON.stringify(scroll.reportId)},"data":${rows}}`
    return {status: 200, headers: {'content-type': 'application/json'}, body}
  }
}

function newScrollId(): string {
  return SCROLL_PREFIX + randomBytes(18).toString('base64url')
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name)
  if (raw === null || raw === '') return fallback
  if (!/^-?\d+$/.test(raw)) throw badRequest(`${name}: must be an integer, got "${raw}"`)
  return Number(raw)
}

/** Deterministic evaluation of a non-raw single report. */
function evaluate(reportId: string, data: JsonObject, limit: number): Reply {
  const h = hashString(reportId)
  const groupBy = isObject(data.groupBy) ? data.groupBy : {type: 'none'}
  const distributedBy = isObject(data.distributedBy) ? data.distributedBy : {type: 'none'}
  const properties =
    isObject(data.view) && Array.isArray(data.view.properties) ? data.view.properties : []
  const scale = properties.includes('duration') ? 3_600_000 : 500
  if (groupBy.type === 'none' || groupBy.type === undefined) {
    const value = (h % scale) + 1
    return json(200, {numberOfRecordsInResponse: 1, totalNumberOfRecords: 1, reportId, data: value})
  }
  const keys = bucketKeys(String(groupBy.type), h)
  const entries = keys.map((key, i) => {
    const hv = mix(h, i)
    if (distributedBy.type !== 'none' && distributedBy.type !== undefined) {
      const inner = bucketKeys(String(distributedBy.type), hv).slice(0, 3)
      return {
        key,
        value: inner.map((k, j) => ({key: k, value: mix(hv, j) % scale, label: k})),
        label: key
      }
    }
    return {key, value: hv % scale, label: key}
  })
  const body: JsonObject = {
    numberOfRecordsInResponse: entries.length,
    totalNumberOfRecords: entries.length,
    reportId,
    data: entries
  }
  if (limit < entries.length) body.message = LIMIT_MESSAGE
  return json(200, body)
}

function bucketKeys(type: string, h: number): string[] {
  const count = 4 + (h % 6)
  if (['startDate', 'endDate', 'runningDate', 'evaluationDateTime'].includes(type)) {
    return Array.from({length: count}, (_, i) => optimizeDate(Date.UTC(2024, i, 1)))
  }
  const pools: Record<string, string[]> = {
    flowNodes: [
      'StartEvent_1',
      'Activity_0',
      'Activity_1',
      'Activity_2',
      'Activity_3',
      'EndEvent_1'
    ],
    userTasks: ['Task_review', 'Task_approve', 'Task_check', 'Task_sign'],
    variable: ['EU', 'US', 'APAC', 'LATAM'],
    assignee: ['demo', 'john', 'mary', 'unassigned'],
    candidateGroup: ['accounting', 'management', 'sales'],
    matchedRule: ['Rule_1', 'Rule_2', 'Rule_3'],
    processDefinitionVersion: ['1', '2', '3']
  }
  const pool = pools[type] ?? ['bucket-1', 'bucket-2', 'bucket-3', 'bucket-4']
  return pool.slice(0, Math.min(pool.length, count))
}
