#!/usr/bin/env node
/**
 * The command line beside the action: `optimize-as-code <command> --option value`.
 *
 * Options are the action's inputs as flags (src/input-docs.ts), each command
 * taking those that apply to it; the connection settings may also come from
 * environment variables (constants.ts `CliEnv`), so secrets stay out of shell
 * history. The flags build the same settings as the action's inputs, through
 * `parseSettings`; every message is printed with inputs named as flags
 * (cli-names.ts). Messages go to stderr, results to stdout (cli-results.ts).
 *
 * commander parses the arguments: subcommands, help, `--version`, and "did
 * you mean" for a mistyped command or option. Exit codes: 0 done; 1 failed;
 * 2 the command line is wrong (an unknown command or option, an option of
 * another command, a value its option does not allow), and nothing was done.
 */
import {Command as Program, CommanderError, Option} from 'commander'
import packageJson from '../package.json' with {type: 'json'}
import {inCliVocabulary} from './cli-names.js'
import {resultText, type ResultForm} from './cli-results.js'
import {CommandFailedError, type CommandResult} from './command.js'
import {CLI_NAME, CliEnv, Commands, type Command, type InputName} from './constants.js'
import {INPUT_DOCS, OUTPUT_DOCS, type InputDoc} from './input-docs.js'
import {createCliIo, type Io} from './io.js'
import {runCommand} from './main.js'
import {parseSettings, SettingsError} from './settings.js'

/** Defaults that differ from the action's: on a laptop, export only writes files. */
const CLI_DEFAULTS: Partial<Record<InputName, string>> = {commit: 'none'}

const COMMAND_DESCRIPTIONS: Record<Command, string> = {
  export: 'Export dashboards and reports from Optimize into normalized JSON files in --path.',
  validate: 'Check the files in --path, offline: no Optimize, no credentials.',
  plan: 'Dry run of a promotion of the files into --collection-id; writes plan.json.',
  import: 'Apply the plan to --collection-id.',
  'export-data': 'Export the result data of --report-ids into files in --output.'
}

/** The options of the commands that are the action's inputs. */
const INPUT_OPTIONS = INPUT_DOCS.filter(doc => doc.name !== 'command')

interface Parsed {
  command: Command
  values: Record<string, unknown>
}

/** The parser: one subcommand per command, every input a `--name <value>` option. */
function program(onCommand: (parsed: Parsed) => void): Program {
  const root = new Program(CLI_NAME)
    .description(packageJson.description)
    .usage('<command> [options]')
    .version(packageJson.version, '-V, --version', 'Print the version.')
    .helpOption('-h, --help', 'Print this help.')
    .helpCommand('help [command]', 'Print the help of a command.')
    .exitOverride()
    .configureOutput({outputError: (text, write) => write(withoutValues(text))})
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `\nRun '${CLI_NAME} <command> --help' for the options of a command.` +
        '\nMessages go to stderr, results to stdout.' +
        '\nExit codes: 0 done, 1 failed, 2 a wrong command line (nothing was done).'
    )
  for (const command of Commands) {
    const sub = root
      .command(command)
      .description(COMMAND_DESCRIPTIONS[command])
      .helpOption('-h, --help', 'Print this help.')
      .action((values: Record<string, unknown>) => onCommand({command, values}))
    for (const doc of INPUT_OPTIONS) {
      // Every input is known to every command, so that one given to the
      // wrong command is named as such rather than as unknown.
      const option = new Option(`--${doc.name} <value>`, optionHelp(doc))
      sub.addOption(option.hideHelp(!appliesTo(doc, command)))
    }
    sub
      .addOption(new Option('--json', 'Print the results as one JSON object on stdout.'))
      .addOption(
        new Option('--summary', 'Print the whole summary in Markdown on stdout.').conflicts('json')
      )
      .addOption(new Option('-q, --quiet', 'Print only warnings and errors.').conflicts('verbose'))
      .addOption(new Option('-v, --verbose', 'Print debug lines too, one per file written.'))
      .addHelpText('after', outputsHelp(command))
  }
  return root
}

/**
 * commander's error with the value of an unknown `--option=value` left out:
 * it may be a secret under a mistyped name (`--acces-token=…`).
 */
function withoutValues(text: string): string {
  return text.replace(/'(--[^=' ]+)=[^']*'/g, "'$1=…'")
}

function appliesTo(doc: InputDoc, command: Command): boolean {
  return !doc.commands || doc.commands.includes(command)
}

function optionHelp(doc: InputDoc): string {
  const fallback =
    CLI_DEFAULTS[doc.name] ?? (doc.default?.startsWith('${{') ? undefined : doc.default)
  const env = CliEnv[doc.name]
  return `${doc.description}${fallback ? ` (default: ${fallback})` : ''}${env ? ` [env: ${env}]` : ''}`
}

function outputsHelp(command: Command): string {
  // A description starts with the commands the output belongs to ("plan/import: …"), or it is everyone's.
  const outputs = OUTPUT_DOCS.filter(doc => {
    const owners = /^([a-z/, -]+): /.exec(doc.description)?.[1]
    return !owners || owners.split(/[/,] */).includes(command)
  })
  const width = Math.max(...outputs.map(doc => doc.name.length)) + 2
  const lines = outputs.map(doc => `  ${doc.name.padEnd(width)}${doc.description}`)
  return `\nResults (one JSON object with --json):\n${lines.join('\n')}`
}

/** Runs the command line; answers the exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = await parse(argv)
  return typeof parsed === 'number' ? parsed : run(parsed, env)
}

/**
 * The command and its options; or, when the command line asked for help or
 * the version, or is wrong (commander has said why on stderr), the exit code.
 */
async function parse(argv: string[]): Promise<Parsed | number> {
  const chosen: Parsed[] = []
  try {
    await program(parsed => chosen.push(parsed)).parseAsync(argv, {from: 'user'})
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
    throw error
  }
  const [parsed] = chosen
  if (!parsed) return 2
  const misplaced = INPUT_OPTIONS.find(
    doc => parsed.values[attribute(doc.name)] !== undefined && !appliesTo(doc, parsed.command)
  )
  if (!misplaced) return parsed
  process.stderr.write(
    `error: --${misplaced.name} does not apply to '${parsed.command}' (only to ${words(misplaced.commands ?? [])}).\n` +
      `Run '${CLI_NAME} ${parsed.command} --help' for its options.\n`
  )
  return 2
}

/** "a, b and c". */
function words(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : items.join('')
}

/** commander's property name of an option: `--optimize-url` → `optimizeUrl`. */
function attribute(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase())
}

async function run({command, values}: Parsed, env: NodeJS.ProcessEnv): Promise<number> {
  const io = createCliIo({verbose: values.verbose === true, quiet: values.quiet === true})
  const read = (name: InputName): string => {
    if (name === 'command') return command
    const flag = values[attribute(name)]
    if (typeof flag === 'string') return flag
    const fromEnv = CliEnv[name] ? env[CliEnv[name]] : undefined
    return fromEnv ?? CLI_DEFAULTS[name] ?? ''
  }
  const form: ResultForm =
    values.json === true ? 'json' : values.summary === true ? 'summary' : 'text'
  let settings
  try {
    settings = parseSettings(read, env, io)
  } catch (error) {
    io.error(error instanceof Error ? error.message : String(error))
    // A value its option does not allow makes the command line wrong; nothing was done.
    return error instanceof SettingsError ? 2 : 1
  }
  try {
    printResult(await runCommand(settings, io), form, io)
    return 0
  } catch (error) {
    if (error instanceof CommandFailedError && error.result) printResult(error.result, form, io)
    io.error(error instanceof Error ? error.message : String(error))
    return 1
  }
}

/** The results on stdout, redacted, the summary in the command line's vocabulary. */
function printResult(result: CommandResult, form: ResultForm, io: Io): void {
  const outputs = Object.fromEntries(
    Object.entries(result.outputs).map(([name, value]) => [name, io.redact(value)])
  )
  const summary = inCliVocabulary(io.redact(result.summary))
  process.stdout.write(resultText(outputs, summary, form))
}

// Run when executed, not when imported by tests.
if (
  process.argv[1] &&
  /(?:cli\.(?:ts|js)|cli[\\/]index\.js|optimize-as-code)$/.test(process.argv[1])
) {
  // A reader that stops early (`| head`) closes the pipe: nothing more to say to it.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  process.exitCode = await main(process.argv.slice(2))
}
