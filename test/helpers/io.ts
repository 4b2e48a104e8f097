/** An Io that records everything a command says, for assertions. */
import type {Annotation, Io} from '../../src/io.js'

export interface RecordingIo extends Io {
  lines: string[]
  warnings: {message: string; where?: Annotation}[]
  errors: {message: string; where?: Annotation}[]
  secrets: string[]
  outputs: Record<string, string>
  summaries: string[]
  /** Everything printed or produced, joined, for leak checks. */
  everything(): string
}

export function recordingIo(): RecordingIo {
  const io: RecordingIo = {
    lines: [],
    warnings: [],
    errors: [],
    secrets: [],
    outputs: {},
    summaries: [],
    info: message => void io.lines.push(message),
    debug: message => void io.lines.push(`debug: ${message}`),
    warning: (message, where) => void io.warnings.push({message, where}),
    error: (message, where) => void io.errors.push({message, where}),
    group: async (title, fn) => {
      io.lines.push(`group: ${title}`)
      return fn()
    },
    setSecret: secret => void io.secrets.push(secret),
    setOutput: (name, value) => void (io.outputs[name] = value),
    appendSummary: async markdown => void io.summaries.push(markdown),
    everything: () =>
      [
        ...io.lines,
        ...io.warnings.map(w => w.message),
        ...io.errors.map(e => e.message),
        ...Object.values(io.outputs),
        ...io.summaries
      ].join('\n')
  }
  return io
}
