/**
 * How the command line names the action's inputs: `--optimize-url`, with the
 * environment variable that may stand in for it (constants.ts `CliEnv`).
 *
 * Messages everywhere name an input the way the action's user knows it:
 * `Input 'optimize-url'`, `input 'timeout'`, or just `'retries'`. Each
 * message is written once; the CLI passes every line it prints through
 * `inCliVocabulary`, which puts the flag where the input's name is. A value
 * a message quotes after "got" or in parentheses stays as it is; another
 * quoted value spelled exactly like an input (a folder a user named 'output')
 * reads as its flag: rare enough to keep the rule this simple.
 */
import {CliEnv, Input, type InputName} from './constants.js'

/** Inputs that are flags on the command line (`command` is the first argument). */
const FLAGS: ReadonlySet<string> = new Set(
  Object.values(Input).filter(name => name !== Input.Command)
)

/** `--optimize-url (or OPTIMIZE_URL)`; `--path` for an input without an environment variable. */
export function cliName(name: InputName): string {
  const env = CliEnv[name]
  return `--${name}${env ? ` (or ${env})` : ''}`
}

/**
 * An input's name in a message: after "input" (or "Input", "Inputs", "the
 * input"), or quoted on its own. A quoted value the message repeats ("got
 * 'x'", "('x')") is not a name.
 */
const NAMED = /\b(?:the )?[Ii]nputs? '([a-z][a-z-]*)'|(?<!got |\()'([a-z][a-z-]*)'/g

/**
 * The text with every input named as a flag: "Input 'optimize-url' is
 * required" → "--optimize-url (or OPTIMIZE_URL) is required", "raise
 * 'retries'" → "raise --retries". A quoted word that is no input stays.
 */
export function inCliVocabulary(text: string): string {
  return text.replace(NAMED, (whole, named?: string, quoted?: string) => {
    const name = named ?? quoted ?? ''
    return FLAGS.has(name) ? cliName(name as InputName) : whole
  })
}
