/**
 * Exports one report's data to `<output>/<reportId>.<format>`.
 *
 * Records go from each page straight to a temporary file, so memory stays the
 * same whatever the number of records. The file takes its final name only when
 * complete; on any failure every temporary file is removed.
 *
 * CSV needs its header (the union of all columns) before the first row, and the
 * columns of later rows are unknown until they arrive. So records first go to
 * a temporary NDJSON file, and the CSV is made from it in two constant-memory
 * passes: one collects the column names, one writes the rows.
 *
 * An expired scroll, or a count that does not match the total, restarts the
 * report from its first page once, discarding what was written of it.
 */
import * as path from 'node:path'
import type {Io} from '../io.js'
import type {OptimizeClient} from '../optimize/client.js'
import type {DataFormat} from '../settings.js'
import {collectColumns, writeCsv} from './csv.js'
import {FileSink} from './file-sink.js'
import {readReport, RestartableError, type PaginationOptions} from './pagination.js'
import type {Progress} from './progress.js'

export interface ReportFileOptions extends PaginationOptions {
  /** Absolute folder the file is written to. */
  output: string
  format: DataFormat
}

export interface ReportFile {
  reportId: string
  /** File name inside the output folder. */
  file: string
  format: DataFormat
  records: number
  sha256: string
  bytes: number
}

/** Times a report is started over after an expired scroll or a lost page. */
const MAX_RESTARTS = 1

export async function exportReportFile(
  client: OptimizeClient,
  reportId: string,
  options: ReportFileOptions,
  io: Io,
  progress: Progress
): Promise<ReportFile> {
  const file = `${reportId}.${options.format}`
  const target = path.join(options.output, file)
  for (let restarts = 0; ; restarts++) {
    try {
      const written = await writeOnce(client, reportId, target, options, io, progress)
      return {reportId, file, format: options.format, ...written}
    } catch (error) {
      if (!(error instanceof RestartableError)) throw error
      if (restarts >= MAX_RESTARTS) {
        throw new Error(
          `Report ${reportId}: ${error.message}, again after starting over from the first page; giving up. Raise 'pagination-timeout' or run the export when Optimize is less busy.`,
          {cause: error}
        )
      }
      io.warning(
        `Report ${reportId}: ${error.message}; starting this report over from the first page (once), discarding what was written of it.`
      )
    }
  }
}

async function writeOnce(
  client: OptimizeClient,
  reportId: string,
  target: string,
  options: ReportFileOptions,
  io: Io,
  progress: Progress
): Promise<{records: number; sha256: string; bytes: number}> {
  const csv = options.format === 'csv'
  // NDJSON is written in place; CSV is made from the records once they are all in.
  const records = await FileSink.open(csv ? `${target}.records.partial` : `${target}.partial`)
  let output: FileSink | undefined
  try {
    progress.start()
    const read = await readReport(client, reportId, options, records, (done, total) =>
      progress.update(reportId, done, total)
    )
    if (read.message) io.info(`Report ${reportId}: Optimize says: ${read.message}`)
    if (!csv) {
      const sha256 = await records.commit(target)
      return {records: read.records, sha256, bytes: records.bytes}
    }
    await records.close()
    output = await FileSink.open(`${target}.partial`)
    const columns = await collectColumns(records.tempPath)
    const count = await writeCsv(records.tempPath, columns, output)
    if (count !== read.records)
      throw new Error(`Report ${reportId}: wrote ${count} CSV rows for ${read.records} records.`)
    const sha256 = await output.commit(target)
    return {records: read.records, sha256, bytes: output.bytes}
  } catch (error) {
    await output?.discard()
    throw error
  } finally {
    // After a commit the temporary name is gone and this does nothing.
    await records.discard()
  }
}
