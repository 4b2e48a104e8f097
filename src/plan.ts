/**
 * `plan`: what a release would do to the target collection, read-only
 * (promotion/prepare.ts). Writes plan.json and the Markdown summary, and
 * fails when a prerequisite does.
 */
import {CommandFailedError, type CommandResult} from './command.js'
import type {Io} from './io.js'
import {preparePlan} from './promotion/prepare.js'
import {failureMessage, publishPlan} from './promotion/plan-file.js'
import type {Settings} from './settings.js'

export async function runPlan(settings: Settings, io: Io): Promise<CommandResult> {
  const outcome = await preparePlan(settings, io)
  const result = await publishPlan(settings, outcome)
  if (!outcome.ok) throw new CommandFailedError(failureMessage(outcome.document), result)
  return result
}
