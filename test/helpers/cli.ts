/**
 * Runs the bundled command line (`node dist/cli/index.js`) as a user would:
 * in a folder of its own, with nothing of the test runner's environment but
 * PATH and HOME, and the variables a test gives.
 */
import {execFile, execFileSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {promisify} from 'node:util'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CLI = path.join(ROOT, 'dist/cli/index.js')
const FAKE_DNS = path.join(ROOT, 'test/helpers/fake-dns.mjs')
const run = promisify(execFile)

/** dist/ is committed; it is built only when missing (a fresh clone before `npm run build`). */
export function ensureCliBundle(): void {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], {cwd: ROOT, stdio: 'ignore'})
}

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

export async function runCli(
  args: string[],
  options: {cwd: string; env?: NodeJS.ProcessEnv}
): Promise<CliRun> {
  const env = {PATH: process.env.PATH, HOME: process.env.HOME, ...options.env}
  return run(process.execPath, [CLI, ...args], {cwd: options.cwd, env}).then(
    ({stdout, stderr}) => ({code: 0, stdout, stderr}),
    (error: {code?: number; stdout?: string; stderr?: string}) => ({
      code: error.code ?? -1,
      stdout: error.stdout ?? '',
      stderr: error.stderr ?? ''
    })
  )
}

/**
 * Environment variables that make every host name ending in `.test` fail to
 * resolve with `code`, as getaddrinfo reports it (test/helpers/fake-dns.mjs);
 * each lookup is appended to `log`.
 */
export function fakeDnsEnv(code: 'ENOTFOUND' | 'EAI_AGAIN', log: string): NodeJS.ProcessEnv {
  return {
    NODE_OPTIONS: `--import=${pathToFileURL(FAKE_DNS).href}`,
    FAKE_DNS_CODE: code,
    FAKE_DNS_LOG: log
  }
}
