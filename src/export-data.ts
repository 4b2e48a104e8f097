/**
 * The `export-data` command: the result data of the reports in `report-ids`,
 * one file each (`<output>/<reportId>.ndjson|csv`), plus `manifest.json` with
 * every file's record count and SHA-256.
 *
 * Reports are exported one after another: each holds an Elasticsearch scroll
 * open on the server while it pages, and one at a time keeps that load, and
 * this process's memory, flat. At the first failing report the run stops; the
 * files already complete stay and the manifest lists exactly them, so it never
 * names a file it does not describe.
 */
import {mkdir} from 'node:fs/promises'
import {CommandFailedError, type CommandResult} from './command.js'
import {Output} from './constants.js'
import {DATA_MANIFEST_FILE, renderDataSummary, writeManifest} from './data/manifest.js'
import {Progress, formatCount, type ProgressOptions} from './data/progress.js'
import {exportReportFile, type ReportFile} from './data/report-file.js'
import type {Io} from './io.js'
import {OptimizeClient} from './optimize/client.js'
import type {Settings} from './settings.js'

export async function runExportData(
  settings: Settings,
  io: Io,
  client?: OptimizeClient,
  options: ProgressOptions = {}
): Promise<CommandResult> {
  const optimize = client ?? createClient(settings, io)
  const {output, relativeOutput} = settings.data
  await mkdir(output, {recursive: true})
  const progress = new Progress(io, options)
  const files: ReportFile[] = []
  let failure: {reportId: string; message: string; error: unknown} | undefined
  for (const reportId of settings.reportIds) {
    try {
      const file = await io.group(`Exporting the data of report ${reportId}`, async () =>
        exportReportFile(optimize, reportId, settings.data, io, progress)
      )
      io.info(
        `Report ${reportId}: ${formatCount(file.records)} records written to ${relativeOutput}/${file.file} (sha256 ${file.sha256.slice(0, 12)})`
      )
      files.push(file)
    } catch (error) {
      failure = {reportId, message: messageOf(reportId, error), error}
      break
    }
  }

  await writeManifest(output, files)
  const result: CommandResult = {
    outputs: {
      [Output.Records]: String(files.reduce((sum, f) => sum + f.records, 0)),
      [Output.Files]: JSON.stringify([
        ...files.map(f => `${relativeOutput}/${f.file}`),
        `${relativeOutput}/${DATA_MANIFEST_FILE}`
      ])
    },
    summary: renderDataSummary(files, relativeOutput, failure)
  }
  if (failure) {
    const error = new CommandFailedError(failure.message, result)
    error.cause = failure.error
    throw error
  }
  return result
}

function createClient(settings: Settings, io: Io): OptimizeClient {
  if (!settings.connection) throw new Error("'export-data' needs the Optimize connection inputs.")
  return OptimizeClient.create(settings.connection, io)
}

/** Every failure names its report, whatever layer it came from. */
function messageOf(reportId: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.startsWith(`Report ${reportId}`) ? message : `Report ${reportId}: ${message}`
}
