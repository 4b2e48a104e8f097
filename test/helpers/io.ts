/**
 * An Io that records everything a command says, for assertions. Lines are
 * recorded as the command wrote them, before any redaction an Io might do, so
 * a leak check on them sees what the code under test let through; `redact` is
 * the real one (src/redact.ts) over the secrets recorded.
 */
import type {Annotation, Io} from '../../src/io.js'
import {Redactor} from '../../src/redact.js'

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
  const redactor = new Redactor()
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
    setSecret: secret => {
      io.secrets.push(secret)
      redactor.add(secret)
    },
    redact: text => redactor.redact(text),
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
