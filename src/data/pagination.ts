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
import {decodePage, type PageText} from './page-text.js'

export interface PaginationOptions {
  limit: number
  paginationTimeout: number
}

export interface ReportRead {
  records: number
  /** Optimize's `message` (e.g. "All records are delivered … regardless of the set limit"). */
  message?: string
}

/** Receives each page's records (one JSON text each, no line breaks) and the totals so far. */
export type RecordsHandler = (records: string[], done: number, total: number) => Promise<void>

/** The export of a report must start over from its first page (scroll gone, or a gap). */
export class RestartableError extends Error {
  override name = 'RestartableError'
}

/** Optimize refused the data export because the report is a combined report (§5.5). */
export class CombinedReportError extends Error {
  override name = 'CombinedReportError'
}

const SCROLL_MISSING = /no search context found|search_context_missing_exception/i
const COMBINED = /combined reports cannot be exported/i

/** Reads every record of `reportId`, in order, handing them to `onRecords` page by page. */
export async function readReport(
  client: OptimizeClient,
  reportId: string,
  options: PaginationOptions,
  onRecords: RecordsHandler
): Promise<ReportRead> {
  let done = 0
  let total = 0
  let message: string | undefined
  let next: Promise<PageText> | undefined = fetchPage(client, reportId, options, undefined)
  while (next) {
    const page: PageText = await next
    next = undefined
    if (page.message !== undefined) message ??= page.message
    // ES fixes a scroll's total when the scroll opens; a new first page may bring a new one.
    total = page.totalNumberOfRecords
    const records = recordsOf(page)
    done += records.length
    if (records.length > 0 && done < total) {
      if (!page.searchRequestId) {
        throw new Error(
          `Report ${reportId}: Optimize sent ${done} of ${total} records and no searchRequestId to ask for the rest.`
        )
      }
      // Ask for the next page before writing this one: Optimize prepares it
      // while this process writes, so writing costs (almost) no time. Its
      // failure surfaces at the `await` above, in order.
      next = fetchPage(client, reportId, options, page.searchRequestId)
      next.catch(() => undefined)
    }
    if (records.length > 0) await onRecords(records, done, total)
  }
  if (done !== total) {
    throw new RestartableError(
      `Optimize delivered ${done} records but announced ${total}: a page was lost or repeated (a retried scroll request moves the scroll on)`
    )
  }
  return {records: done, message}
}

async function fetchPage(
  client: OptimizeClient,
  reportId: string,
  options: PaginationOptions,
  searchRequestId: string | undefined
): Promise<PageText> {
  try {
    return await client.exportResultPageText(
      reportId,
      {limit: options.limit, paginationTimeout: options.paginationTimeout, searchRequestId},
      checkedPage
    )
  } catch (error) {
    if (searchRequestId && isScrollExpired(error)) {
      throw new RestartableError(
        `the scroll expired (Optimize: "No search context found"), e.g. because more than 'pagination-timeout' (${options.paginationTimeout} s) passed between two pages`,
        {cause: error}
      )
    }
    if (isCombinedRefusal(error)) {
      throw new CombinedReportError(
        `Report ${reportId} is a combined report: Optimize cannot export the data of combined reports. List its single reports in 'report-ids' instead.`,
        {cause: error}
      )
    }
    throw error
  }
}

/** A page whose record count disagrees with its rows is as broken as a truncated one. */
function checkedPage(text: string): PageText {
  const page = decodePage(text)
  const count = recordsOf(page).length
  if (count !== page.numberOfRecordsInResponse) {
    throw new Error(
      `numberOfRecordsInResponse is ${page.numberOfRecordsInResponse} but the page holds ${count} records`
    )
  }
  return page
}

/** A number report's value is one record `{"value": …}`; a map's entries are one record each (§5.4). */
function recordsOf(page: PageText): string[] {
  if (page.rows) return page.rows
  if (page.value === undefined) return []
  return [JSON.stringify({value: page.value})]
}

/** 400 (≤ 8.6) or 500 (8.7+ wraps every failure) naming Elasticsearch's missing scroll context. */
export function isScrollExpired(error: unknown): boolean {
  return hasBodyText(error, SCROLL_MISSING)
}

function isCombinedRefusal(error: unknown): boolean {
  return hasBodyText(error, COMBINED)
}

function hasBodyText(error: unknown, pattern: RegExp): boolean {
  if (!(error instanceof OptimizeApiError)) return false
  if (error.status !== 400 && error.status !== 500) return false
  const body = error.body
  return [body?.errorCode, body?.errorMessage, body?.detailedMessage].some(
    text => typeof text === 'string' && pattern.test(text)
  )
}
