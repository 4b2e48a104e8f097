/**
 * Where a command's messages, secrets and outputs go. The action sends them to
 * the runner through @actions/core; the CLI prints them as plain text on
 * stderr, keeping stdout for its results. Commands take an `Io` and never
 * import @actions/core themselves, so both front ends behave alike.
 *
 * An Io also knows the run's secrets: `setSecret` masks one in the runner's log
 * and adds it to what `redact` removes (src/redact.ts). Every log line goes
 * through `redact` here, because the runner masks only exact known secrets;
 * outputs and the summary are redacted by main.ts's publish(), files by their
 * writers.
 */
import * as core from '@actions/core'
import {inCliVocabulary} from './cli-names.js'
import {Redactor} from './redact.js'

/** A place in a file, for GitHub annotations. */
export interface Annotation {
  file?: string
  line?: number
  column?: number
  title?: string
}

export interface Io {
  info(message: string): void
  debug(message: string): void
  warning(message: string, where?: Annotation): void
  error(message: string, where?: Annotation): void
  /** Runs `fn` in a collapsible log group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
  /** Masks a secret in every later log line and in `redact`. Call it the moment a secret is known. */
  setSecret(secret: string): void
  /** The text without the secrets given to `setSecret` and without credential-like values. */
  redact(text: string): string
  setOutput(name: string, value: string): void
  /** Appends Markdown to the job summary. */
  appendSummary(markdown: string): Promise<void>
}

/** The action's Io: the runner's log, outputs and job summary, through @actions/core. */
export function createActionIo(): Io {
  const redactor = new Redactor()
  const clean = (text: string): string => redactor.redact(text)
  return {
    info: message => core.info(clean(message)),
    // Debug lines (one per file written, among others) are not sent to the
    // runner at all unless step debug logging (ACTIONS_STEP_DEBUG) is on,
    // for which the runner sets RUNNER_DEBUG=1 (core.isDebug).
    debug: message => {
      if (core.isDebug() || process.env.ACTIONS_STEP_DEBUG === 'true') core.debug(clean(message))
    },
    warning: (message, where) => core.warning(clean(message), toProperties(where)),
    error: (message, where) => core.error(clean(message), toProperties(where)),
    group: async (title, fn) => core.group(clean(title), fn),
    setSecret: secret => {
      core.setSecret(secret)
      redactor.add(secret)
    },
    redact: clean,
    setOutput: (name, value) => core.setOutput(name, value),
    appendSummary: async markdown => {
      // The summary file only exists on a runner; elsewhere there is nothing to append to.
      if (!process.env.GITHUB_STEP_SUMMARY) return
      await core.summary.addRaw(markdown, true).write()
    }
  }
}

function toProperties(where?: Annotation): core.AnnotationProperties | undefined {
  if (!where) return undefined
  return {file: where.file, startLine: where.line, startColumn: where.column, title: where.title}
}

const silentRedactor = new Redactor()

/** Says nothing: for benchmarks and scripts that run commands as a library. */
export const silentIo: Io = {
  info: () => {},
  debug: () => {},
  warning: () => {},
  error: () => {},
  group: async (_title, fn) => fn(),
  setSecret: secret => silentRedactor.add(secret),
  redact: text => silentRedactor.redact(text),
  setOutput: () => {},
  appendSummary: async () => {}
}

/**
 * The CLI's Io: every message on stderr, so stdout holds only the results,
 * which cli.ts prints itself (cli-results.ts). Secrets are redacted from
 * every line, and inputs are named as flags (cli-names.ts). `verbose` adds
 * the debug lines (among them one line per file written); `quiet` leaves
 * only warnings and errors.
 */
export function createCliIo(options: {verbose: boolean; quiet: boolean}): Io {
  const redactor = new Redactor()
  const redact = (text: string): string => redactor.redact(text)
  const say = (line: string): void =>
    void process.stderr.write(`${inCliVocabulary(redact(line))}\n`)
  const where = (w?: Annotation): string =>
    w?.file ? `${w.file}${w.line ? `:${w.line}` : ''}${w.column ? `:${w.column}` : ''}: ` : ''
  return {
    info: message => {
      if (!options.quiet) say(message)
    },
    debug: message => {
      if (options.verbose) say(`debug: ${message}`)
    },
    warning: (message, w) => say(`warning: ${where(w)}${message}`),
    error: (message, w) => say(`error: ${where(w)}${message}`),
    group: async (title, fn) => {
      if (!options.quiet) say(`== ${title}`)
      return fn()
    },
    setSecret: secret => redactor.add(secret),
    redact,
    setOutput: () => {},
    appendSummary: async () => {}
  }
}
