/**
 * What every command returns: its outputs and the Markdown for the job
 * summary. main.ts sets them in one place; commands never touch @actions/core.
 */
import type {Io} from './io.js'
import type {Settings} from './settings.js'

export interface CommandResult {
  /** Output name → value (strings, as the runner stores them). */
  outputs: Record<string, string>
  /** Markdown for the job summary. */
  summary: string
}

export type CommandRunner = (settings: Settings, io: Io) => Promise<CommandResult>

/** A failure the command has already explained to the user (annotations, summary). */
export class CommandFailedError extends Error {
  override name = 'CommandFailedError'
  constructor(
    message: string,
    /** Partial result to publish before failing (e.g. the validation summary). */
    readonly result?: CommandResult
  ) {
    super(message)
  }
}
