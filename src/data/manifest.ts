/**
 * The manifest written beside the data files, and the job-summary table. The
 * manifest holds no timestamps: two exports of the same data are byte-equal,
 * so committing it shows a diff only when the data changed.
 */
import * as path from 'node:path'
import {toCanonicalJson} from '../entities/canonical-json.js'
import {compareStrings} from '../entities/normalize.js'
import {FileSink} from './file-sink.js'
import {formatCount} from './progress.js'
import type {ReportFile} from './report-file.js'

export const DATA_MANIFEST_FILE = 'manifest.json'

/** Writes `<output>/manifest.json` (canonical JSON) under a temporary name, then renames it; `output` exists. */
export async function writeManifest(output: string, files: readonly ReportFile[]): Promise<void> {
  const manifest = {
    reports: [...files]
      .sort((a, b) => compareStrings(a.reportId, b.reportId))
      .map(f => ({
        id: f.reportId,
        file: f.file,
        format: f.format,
        records: f.records,
        sha256: f.sha256
      }))
  }
  const target = path.join(output, DATA_MANIFEST_FILE)
  const sink = await FileSink.open(`${target}.partial`)
  try {
    await sink.write(toCanonicalJson(manifest))
    await sink.commit(target)
  } catch (error) {
    await sink.discard()
    throw error
  }
}

/** Markdown for the job summary: one row per report written, and the failure if any. */
export function renderDataSummary(
  files: readonly ReportFile[],
  relativeOutput: string,
  failure?: {reportId: string; message: string}
): string {
  const lines = [`### Report data exported to \`${relativeOutput}\``, '']
  if (files.length > 0) {
    lines.push('| Report | Records | File | SHA-256 |', '| --- | ---: | --- | --- |')
    for (const f of files) {
      lines.push(
        `| \`${f.reportId}\` | ${formatCount(f.records)} | \`${cellText(`${relativeOutput}/${f.file}`)}\` | \`${f.sha256.slice(0, 12)}\` |`
      )
    }
  } else {
    lines.push('No report was written.')
  }
  if (failure) {
    lines.push('', `**Failed** at report \`${failure.reportId}\`: ${cellText(failure.message)}`)
  }
  return `${lines.join('\n')}\n`
}

/** Keeps a value from breaking the Markdown table. */
function cellText(text: string): string {
  return text.replaceAll('|', '\\|').replace(/\r?\n/g, ' ')
}
