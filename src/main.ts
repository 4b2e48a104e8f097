/**
 * The action's runbook: read the settings, run the command, publish its
 * outputs and summary. The one place that catches errors.
 */
import * as core from '@actions/core'
import {CommandFailedError, type CommandResult} from './command.js'
import {Output} from './constants.js'
import {runExport} from './export.js'
import {runExportData} from './export-data.js'
import {publishChanges, type PublishResult} from './github/publish.js'
import {upsertPlanComment} from './github/plan-comment.js'
import {runImport} from './import.js'
import {createActionIo, type Io} from './io.js'
import {runPlan} from './plan.js'
import {parseSettings, type Settings} from './settings.js'
import {runValidate} from './validate.js'

export async function run(io: Io = createActionIo()): Promise<void> {
  try {
    const settings = parseSettings(name => core.getInput(name), process.env, io)
    const result = await runCommand(settings, io)
    await publish(result, io)
  } catch (error) {
    if (error instanceof CommandFailedError && error.result)
      await publish(error.result, io).catch(() => {})
    core.setFailed(io.redact(error instanceof Error ? error.message : String(error)))
  }
}

/** Runs one command; shared by the action and the CLI. */
export async function runCommand(settings: Settings, io: Io): Promise<CommandResult> {
  switch (settings.command) {
    case 'export': {
      const {result} = await runExport(settings, io)
      if (settings.github.mode === 'none') return result
      const published = await io.group('Publishing the change', async () =>
        publishChanges(settings, io, {summaryMarkdown: result.summary})
      )
      return withPublication(result, published)
    }
    case 'validate':
      return runValidate(settings, io)
    case 'plan': {
      const result = await runPlan(settings, io)
      await upsertPlanComment(settings, io, result.summary)
      return result
    }
    case 'import':
      return runImport(settings, io)
    case 'export-data':
      return runExportData(settings, io)
  }
}

function withPublication(result: CommandResult, published: PublishResult): CommandResult {
  const outputs = {...result.outputs}
  if (published.commitSha) outputs[Output.CommitSha] = published.commitSha
  if (published.pullRequestNumber)
    outputs[Output.PullRequestNumber] = String(published.pullRequestNumber)
  if (published.pullRequestUrl) outputs[Output.PullRequestUrl] = published.pullRequestUrl
  const link = published.pullRequestUrl ? `\n\nPull request: ${published.pullRequestUrl}` : ''
  return {outputs, summary: result.summary + link}
}

/**
 * Sets every output in one place, then writes the job summary. The last gate
 * for secrets: the runner masks log lines, not outputs or the summary.
 */
export async function publish(result: CommandResult, io: Io): Promise<void> {
  // Every command's summary is also the `summary` output.
  const outputs = {[Output.Summary]: result.summary, ...result.outputs}
  await io.group('Setting outputs', async () => {
    for (const [name, raw] of Object.entries(outputs)) {
      const value = io.redact(raw)
      io.info(`${name} = ${value.length > 200 ? `${value.slice(0, 200)}…` : value}`)
      io.setOutput(name, value)
    }
  })
  if (result.summary) await io.appendSummary(io.redact(result.summary))
}
