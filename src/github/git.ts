/**
 * A small wrapper over the git CLI: `execFile`, never a shell, so file names
 * and messages cannot be interpreted as commands.
 *
 * The token travels the way actions/checkout sends it: a basic-auth
 * `http.<origin>/.extraheader`. It is handed to git through GIT_CONFIG_COUNT
 * environment variables (the env form of `git -c`), which keeps it out of
 * .git/config and out of the process list, and only for commands that talk to
 * the remote. Errors carry the command and git's stderr with the token redacted.
 */
import {execFile} from 'node:child_process'
import type {Io} from '../io.js'
import {redact} from '../redact.js'

export interface GitResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface ExecOptions {
  /** Extra environment, e.g. GIT_INDEX_FILE or the commit identity. */
  env?: Record<string, string>
  /** Send the token: only for commands that talk to the remote (fetch, push, ls-remote). */
  auth?: boolean
  /** Exit codes that are answers rather than failures (e.g. 1 for `git config --get`). */
  allowedExitCodes?: number[]
}

export class GitError extends Error {
  override name = 'GitError'
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stderr: string
  ) {
    super(message)
  }
}

const MAX_OUTPUT = 64 * 1024 * 1024

export class Git {
  readonly #authConfig: [key: string, value: string][]
  readonly #secrets: string[]

  private constructor(
    readonly workdir: string,
    authConfig: [string, string][],
    secrets: string[]
  ) {
    this.#authConfig = authConfig
    this.#secrets = secrets
  }

  /**
   * A git for the repository at `workdir`. With a token, the token and the
   * header derived from it are masked in logs before anything else happens.
   */
  static async create(workdir: string, options: {token?: string; io?: Io} = {}): Promise<Git> {
    const secrets: string[] = []
    let header: string | undefined
    if (options.token) {
      header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${options.token}`).toString('base64')}`
      secrets.push(options.token, header.slice('AUTHORIZATION: basic '.length))
      for (const secret of secrets) options.io?.setSecret(secret)
    }
    const probe = new Git(workdir, [], secrets)
    await probe.exec(['rev-parse', '--git-dir'])
    if (!header) return probe
    const origin = await probe.exec(['remote', 'get-url', 'origin'], {allowedExitCodes: [2]})
    const scope = headerScope(origin.stdout.trim())
    // The empty value first resets a header actions/checkout may have persisted
    // for the same URL: two Authorization headers make GitHub answer 400.
    const config: [string, string][] = scope
      ? [
          [`http.${scope}.extraheader`, ''],
          [`http.${scope}.extraheader`, header]
        ]
      : []
    return new Git(workdir, config, secrets)
  }

  async exec(args: readonly string[], options: ExecOptions = {}): Promise<GitResult> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Never wait for a password prompt on a runner, and keep messages parseable.
      GIT_TERMINAL_PROMPT: '0',
      LC_ALL: 'C',
      ...options.env
    }
    if (options.auth) addConfig(env, this.#authConfig)
    const result = await new Promise<GitResult>((resolve, reject) => {
      execFile(
        'git',
        [...args],
        {cwd: this.workdir, env, maxBuffer: MAX_OUTPUT, encoding: 'utf8'},
        (error, stdout, stderr) => {
          if (error && typeof error.code !== 'number') {
            reject(
              new GitError(
                this.redact(`git ${describe(args)} could not run: ${error.message}`),
                args,
                -1,
                ''
              )
            )
            return
          }
          resolve({stdout, stderr, exitCode: error ? Number(error.code) : 0})
        }
      )
    })
    if (result.exitCode !== 0 && !(options.allowedExitCodes ?? []).includes(result.exitCode)) {
      const stderr = this.redact(result.stderr.trim())
      throw new GitError(
        `git ${this.redact(describe(args))} failed with exit code ${result.exitCode}${stderr ? `: ${stderr}` : ''}`,
        args.map(arg => this.redact(arg)),
        result.exitCode,
        stderr
      )
    }
    return result
  }

  /** Output of a command that prints one value, trimmed. */
  async read(args: readonly string[], options: ExecOptions = {}): Promise<string> {
    return (await this.exec(args, options)).stdout.trim()
  }

  /** The text with the token, its header value and any credential-like value replaced by `***`. */
  redact(text: string): string {
    return redact(text, this.#secrets)
  }
}

/** `scheme://host/` of an http(s) remote, the URL prefix the header is limited to. */
function headerScope(remote: string): string | undefined {
  try {
    const url = new URL(remote)
    return url.protocol === 'https:' || url.protocol === 'http:'
      ? `${url.protocol}//${url.host}/`
      : undefined
  } catch {
    return undefined // scp-like ssh or a local path: no HTTP, no header
  }
}

/** Appends settings after any GIT_CONFIG_* the caller's environment already has. */
function addConfig(env: NodeJS.ProcessEnv, config: readonly [string, string][]): void {
  let count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0
  for (const [key, value] of config) {
    env[`GIT_CONFIG_KEY_${count}`] = key
    env[`GIT_CONFIG_VALUE_${count}`] = value
    count++
  }
  if (config.length) env.GIT_CONFIG_COUNT = String(count)
}

/** The command for a message; long arguments (commit messages) are shortened. */
function describe(args: readonly string[]): string {
  return args.map(arg => (arg.length > 80 ? `${arg.slice(0, 77)}...` : arg)).join(' ')
}
