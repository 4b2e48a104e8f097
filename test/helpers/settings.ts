/** Settings for tests, built the way the CLI builds them: through parseSettings. */
import type {InputName} from '../../src/constants.js'
import type {Io} from '../../src/io.js'
import {parseSettings, type Settings} from '../../src/settings.js'
import {recordingIo} from './io.js'

export function makeSettings(
  inputs: Partial<Record<InputName, string>>,
  options: {workspace: string; env?: NodeJS.ProcessEnv; io?: Io}
): Settings {
  const io = options.io ?? recordingIo()
  return parseSettings(
    name => inputs[name] ?? '',
    {GITHUB_WORKSPACE: options.workspace, ...options.env},
    io
  )
}
