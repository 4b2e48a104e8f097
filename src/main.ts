/**
 * The action's runbook: read the settings, run the command, publish its
 * outputs and summary. The one place that catches errors.
 */
import * as core from '@actions/core'
import {CommandFailedError, type CommandResult} from './command.js'
import {runExport} from './export.js'
import {actionIo, type Io} from './io.js'
import {getActionSettings, type Settings} from './settings.js'

export async function run(io: Io = actionIo): Promise<void> {
  try {
    const settings = getActionSettings(io)
    const result = await runCommand(settings, io)
    await publish(result, io)
  } catch (error) {
    if (error instanceof CommandFailedError && error.result)
      await publish(error.result, io).catch(() => {})
    core.setFailed(error instanceof Error ? error.message : String(error))
  }
}

/** Runs one command; shared by the action and the CLI. */
export async function runCommand(settings: Settings, io: Io): Promise<CommandResult> {
  switch (settings.command) {
    case 'export': {
      const outcome = await runExport(settings, io)
      return outcome.result
    }
    default:
      throw new Error(`Command '${settings.command}' is not available yet.`)
  }
}

/** Sets every output in one place, then writes the job summary. */
export async function publish(result: CommandResult, io: Io): Promise<void> {
  await io.group('Setting outputs', async () => {
    for (const [name, value] of Object.entries(result.outputs)) {
      io.info(`${name} = ${value.length > 200 ? `${value.slice(0, 200)}…` : value}`)
      io.setOutput(name, value)
    }
  })
  if (result.summary) await io.appendSummary(result.summary)
}
