/**
 * plan.json: its text, the outputs of a plan, and reading and writing plan
 * files (plan-file, approved-plan) without following a symbolic link in
 * their place: a link from a pull request must
 * not make the action read or write somewhere else. Settings already keep
 * both inside the workspace or RUNNER_TEMP, and out of `.git`.
 */
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync
} from 'node:fs'
import * as path from 'node:path'
import type {CommandResult} from '../command.js'
import {Output} from '../constants.js'
import {toCanonicalJson} from '../entities/canonical-json.js'
import type {PlanDocument} from '../entities/plan-document.js'
import {inputSecrets, redact} from '../redact.js'
import type {Settings} from '../settings.js'
import type {PlanOutcome} from './prepare.js'

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0

export function writeTextNoFollow(file: string, text: string, what: string): void {
  mkdirSync(path.dirname(file), {recursive: true})
  const fd = openNoFollow(
    file,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | NO_FOLLOW,
    what
  )
  try {
    writeFileSync(fd, text, 'utf8')
  } finally {
    closeSync(fd)
  }
}

/** A file's text, refused when it is a link, not a regular file, or over `maxBytes`. */
export function readTextNoFollow(file: string, maxBytes: number, what: string): string {
  const fd = openNoFollow(file, constants.O_RDONLY | NO_FOLLOW, what)
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw new Error(`${what}: '${file}' is not a regular file.`)
    if (stat.size > maxBytes)
      throw new Error(`${what}: '${file}' has ${stat.size} bytes, more than ${maxBytes}.`)
    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}

function openNoFollow(file: string, flags: number, what: string): number {
  try {
    return openSync(file, flags, 0o644)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ELOOP')
      throw new Error(`${what}: refusing '${file}': it is a symbolic link.`, {cause: error})
    if (code === 'ENOENT') throw new Error(`${what}: '${file}' does not exist.`, {cause: error})
    throw error
  }
}

/**
 * plan.json's text: canonical JSON without any secret of the inputs (names
 * and messages come from the server). What is compared with an approved plan.
 */
export function planFileText(settings: Settings, document: PlanDocument): string {
  return redact(toCanonicalJson(document), inputSecrets(settings))
}

/** Writes plan.json; the outputs and the Markdown every plan-running command returns. */
export async function publishPlan(
  settings: Settings,
  outcome: PlanOutcome
): Promise<CommandResult> {
  writeTextNoFollow(
    settings.planFile,
    planFileText(settings, outcome.document),
    "input 'plan-file'"
  )
  const {collectionId} = outcome.document
  return {
    outputs: {
      [Output.Plan]: settings.planFile,
      [Output.HasChanges]: String(outcome.document.hasChanges),
      ...(collectionId ? {[Output.CollectionId]: collectionId} : {})
    },
    summary: outcome.markdown
  }
}

export function failureMessage(document: PlanDocument): string {
  const failed = document.prerequisites.filter(p => p.status === 'failed')
  return `The plan's prerequisites failed, nothing was written: ${failed.map(p => `${p.check}: ${p.message}`).join('; ')}`
}
