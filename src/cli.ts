#!/usr/bin/env node
/**
 * The command line beside the action: `optimize-as-code <command> --option value`.
 * Options are named like the action's inputs; secrets may also come from
 * environment variables, so they stay out of shell history.
 */
import {parseArgs} from 'node:util'
import {CommandFailedError, type CommandResult} from './command.js'
import {Commands, SecretEnv, type InputName} from './constants.js'
import {INPUT_DOCS, OUTPUT_DOCS} from './input-docs.js'
import {createCliIo} from './io.js'
import {runCommand} from './main.js'
import {parseSettings} from './settings.js'

/** Defaults that differ from the action's: on a laptop, export only writes files. */
const CLI_DEFAULTS: Partial<Record<InputName, string>> = {commit: 'none'}

export function helpText(): string {
  const width = Math.max(...INPUT_DOCS.map(doc => doc.name.length)) + 4
  const lines = [
    'Usage: optimize-as-code <command> [--option value ...]',
    '',
    `Commands: ${Commands.join(', ')}`,
    '',
    'Options (named like the action inputs):'
  ]
  for (const doc of INPUT_DOCS.filter(d => d.name !== 'command')) {
    const env = SecretEnv[doc.name] ? ` [env ${SecretEnv[doc.name]}]` : ''
    const fallback =
      CLI_DEFAULTS[doc.name] ?? (doc.default?.startsWith('${{') ? undefined : doc.default)
    lines.push(
      `  --${doc.name.padEnd(width)}${doc.description}${fallback ? ` (default: ${fallback})` : ''}${env}`
    )
  }
  lines.push(`  --${'json'.padEnd(width)}Print the outputs as one JSON object.`)
  lines.push(`  --${'verbose'.padEnd(width)}Print debug messages.`)
  lines.push(`  --${'help'.padEnd(width)}Show this help.`, '', 'Outputs:')
  for (const doc of OUTPUT_DOCS) lines.push(`  ${doc.name.padEnd(width + 2)}${doc.description}`)
  return `${lines.join('\n')}\n`
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = Object.fromEntries(INPUT_DOCS.map(doc => [doc.name, {type: 'string' as const}]))
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...options,
        help: {type: 'boolean'},
        json: {type: 'boolean'},
        verbose: {type: 'boolean'}
      }
    })
  } catch (error) {
    process.stderr.write(
      `${(error as Error).message}\nRun 'optimize-as-code --help' for the options.\n`
    )
    return 2
  }
  const {values, positionals} = parsed
  if (values.help || positionals.length === 0) {
    process.stdout.write(helpText())
    return values.help ? 0 : 2
  }
  if (positionals.length > 1) {
    process.stderr.write(`Expected one command, got: ${positionals.join(' ')}\n`)
    return 2
  }
  const io = createCliIo({verbose: Boolean(values.verbose)})
  const flags = values as Record<string, string | boolean | undefined>
  const read = (name: InputName): string => {
    if (name === 'command') return positionals[0]
    const flag = flags[name]
    if (typeof flag === 'string') return flag
    const fromEnv = SecretEnv[name] ? env[SecretEnv[name]] : undefined
    return fromEnv ?? CLI_DEFAULTS[name] ?? ''
  }
  try {
    const settings = parseSettings(
      read,
      {...env, GITHUB_WORKSPACE: env.GITHUB_WORKSPACE ?? process.cwd()},
      io
    )
    const result = await runCommand(settings, io)
    printResult(result, Boolean(values.json), io)
    return 0
  } catch (error) {
    if (error instanceof CommandFailedError && error.result)
      printResult(error.result, Boolean(values.json), io)
    io.error(error instanceof Error ? error.message : String(error))
    return 1
  }
}

/** The outputs (and the summary) on stdout: `name: value` lines, or one JSON object. */
function printResult(
  result: CommandResult,
  asJson: boolean,
  io: ReturnType<typeof createCliIo>
): void {
  for (const [name, value] of Object.entries({summary: result.summary, ...result.outputs})) {
    io.setOutput(name, value)
  }
  if (asJson) {
    process.stdout.write(`${JSON.stringify(Object.fromEntries(io.outputs))}\n`)
    return
  }
  for (const [name, value] of io.outputs) {
    if (name !== 'summary') io.info(`${name}: ${value}`)
  }
  io.info(`\n${io.outputs.get('summary') ?? ''}`)
}

// Run when executed, not when imported by tests.
if (
  process.argv[1] &&
  /(?:cli\.(?:ts|js)|cli[\\/]index\.js|optimize-as-code)$/.test(process.argv[1])
) {
  process.exitCode = await main(process.argv.slice(2))
}
