/**
 * Reads every record of one report through Optimize's data export, paginated
 * exactly as Optimize implements it (optimize-api.md §5.3):
 * - the first request has no `searchRequestId`; each next one carries the id of
 *   the most recent response, because it may change from page to page;
 * - it stops at an empty page or when the total is reached;
 * - non-raw reports (§5.4) come whole in one response without an id.
 *
 * A scroll continuation is not idempotent: a page whose response was lost after
 * the server moved on cannot be asked for again, and the client's retry then
 * gets the next one. So the record count is checked against the total at the
 * end, and a mismatch, like an expired scroll, asks the caller to restart.
 */
import {OptimizeApiError} from '../optimize/errors.js'
import type {OptimizeClient} from '../optimize/client.js'
import type {FileSink} from './file-sink.js'
import {PageDecoder, PageFormatError, type DecodedPage} from './page-stream.js'

export interface PaginationOptions {
  limit: number
  paginationTimeout: number
}

export interface ReportRead {
  records: number
  /** Optimize's `message` (e.g. "All records are delivered … regardless of the set limit"). */
  message?: string
}

/** The export of a report must start over from its first page (scroll gone, or a gap). */
export class RestartableError extends Error {
  override name = 'RestartableError'
}

/** Optimize refused the data export because the report is a combined report (§5.5). */
export class CombinedReportError extends Error {
  override name = 'CombinedReportError'
}

/** Elasticsearch's missing scroll context, and Optimize's refusal of a combined report. */
const SCROLL_MISSING = /no search context found|search_context_missing_exception/i
const COMBINED = /combined reports cannot be exported/i

/**
 * Writes every record of `reportId` to `sink` as NDJSON lines, in order, page
 * by page: each page goes from the response body to the sink as it arrives.
 * `onPage` is told after each page how many records are written and how many
 * there are.
 */
export async function readReport(
  client: OptimizeClient,
  reportId: string,
  options: PaginationOptions,
  sink: FileSink,
  onPage: (done: number, total: number) => void
): Promise<ReportRead> {
  const reader = new PageReader(client, reportId, options, sink)
  let done = 0
  let total: number
  let message: string | undefined
  let searchRequestId: string | undefined
  for (;;) {
    const page = await reader.fetch(searchRequestId)
    if (page.message !== undefined) message ??= page.message
    // ES fixes a scroll's total when the scroll opens; a new first page may bring a new one.
    total = page.totalNumberOfRecords
    const records = recordCount(page)
    done += records
    if (records > 0) onPage(done, total)
    if (records === 0 || done >= total) break
    searchRequestId = page.searchRequestId ?? undefined
    if (!searchRequestId) {
      throw new Error(
        `Report ${reportId}: Optimize sent ${done} of ${total} records and no searchRequestId to ask for the rest.`
      )
    }
  }
  if (done !== total) {
    throw new RestartableError(
      `Optimize delivered ${done} records but announced ${total}: a page was lost or repeated (a retried scroll request moves the scroll on)`
    )
  }
  return {records: done, message}
}

class PageReader {
  constructor(
    private readonly client: OptimizeClient,
    private readonly reportId: string,
    private readonly options: PaginationOptions,
    private readonly sink: FileSink
  ) {}

  /**
   * One page, its records appended to the sink as they arrive. A page that
   * fails (cut short, malformed, a count that disagrees with its rows) is
   * taken back out of the sink before the client fetches it again.
   */
  async fetch(searchRequestId: string | undefined): Promise<DecodedPage> {
    const {limit, paginationTimeout} = this.options
    const query = {limit, paginationTimeout, searchRequestId}
    try {
      return await this.client.streamResultPage(this.reportId, query, async body => {
        const mark = await this.sink.mark()
        try {
          return await this.decode(body)
        } catch (error) {
          await this.sink.rollback(mark)
          throw error
        }
      })
    } catch (error) {
      if (searchRequestId && hasBodyText(error, SCROLL_MISSING)) {
        throw new RestartableError(
          `the scroll expired (Optimize: "No search context found"), e.g. because more than 'pagination-timeout' (${paginationTimeout} s) passed between two pages`,
          {cause: error}
        )
      }
      if (hasBodyText(error, COMBINED)) {
        throw new CombinedReportError(
          `Report ${this.reportId} is a combined report: Optimize cannot export the data of combined reports. List its single reports in 'report-ids' instead.`,
          {cause: error}
        )
      }
      throw error
    }
  }

  private async decode(body: AsyncIterable<Uint8Array>): Promise<DecodedPage> {
    const decoder = new PageDecoder(this.sink)
    for await (const chunk of body) {
      decoder.push(chunk)
      await this.sink.flushIfFull()
    }
    const page = decoder.end()
    // A number report's value is one record `{"value": …}` (§5.4).
    if (page.value !== undefined) this.sink.appendText(`${JSON.stringify({value: page.value})}\n`)
    const count = recordCount(page)
    if (count !== page.numberOfRecordsInResponse) {
      throw new PageFormatError(
        `numberOfRecordsInResponse is ${page.numberOfRecordsInResponse} but the page holds ${count} records`
      )
    }
    return page
  }
}

/** Rows of `data`, or one record for a number report's value; a map's entries are rows (§5.4). */
function recordCount(page: DecodedPage): number {
  if (page.rows !== undefined) return page.rows
  return page.value === undefined ? 0 : 1
}

/** A 400 (≤ 8.6) or 500 (8.7+ wraps every failure) whose error body matches `pattern`. */
function hasBodyText(error: unknown, pattern: RegExp): boolean {
  if (!(error instanceof OptimizeApiError)) return false
  if (error.status !== 400 && error.status !== 500) return false
  const body = error.body
  return [body?.errorCode, body?.errorMessage, body?.detailedMessage].some(
    text => typeof text === 'string' && pattern.test(text)
  )
}
