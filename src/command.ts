/**
 * What every command returns: its outputs and the Markdown for the job
 * summary. main.ts sets them in one place; commands never touch @actions/core.
 */
export interface CommandResult {
  /** Output name → value (strings, as the runner stores them). */
  outputs: Record<string, string>
  /** Markdown for the job summary. */
  summary: string
}

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
